//! What makes a forecast usable, shared by the forecasting tests (included with `#[path]`).

use revops::forecast::Prediction;

/// Every figure of a prediction is finite and each lower bound is at or below its upper bound.
pub fn assert_usable(p: &Prediction, what: &str) {
    assert!(p.mean.iter().all(|v| v.is_finite()), "{what}: forecast {:?}", p.mean);
    for i in &p.intervals {
        assert!(i.lower.iter().chain(&i.upper).all(|v| v.is_finite()), "{what}: bounds {i:?}");
        assert!(i.lower.iter().zip(&i.upper).all(|(l, u)| l <= u), "{what}: bounds {i:?}");
    }
}
