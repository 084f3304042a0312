//! Crate-private macros.

/// Deserialize a type through its validating constructor, so that JSON can never build a value
/// the constructor would refuse (the `time`/`jiff` habit). Serde reads a plain mirror struct with
/// the same fields (so the wire format is the derived one), then `TryFrom` runs the checks.
///
/// Put `#[cfg_attr(feature = "serde", serde(try_from = "MirrorName"))]` on the type beside its
/// `Deserialize` derive, then:
///
/// ```ignore
/// deserialize_via!(Period, PeriodRepr { start: NaiveDate, end: NaiveDate }, CalendarError,
///     |r| Period::new(r.start, r.end));
/// ```
macro_rules! deserialize_via {
    ($ty:ty, $repr:ident { $($(#[$fattr:meta])* $field:ident : $fty:ty),* $(,)? }, $err:ty, |$r:ident| $body:expr) => {
        /// The serialised fields, checked by the type's constructor on the way in.
        #[cfg(feature = "serde")]
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $repr {
            $($(#[$fattr])* $field: $fty,)*
        }

        #[cfg(feature = "serde")]
        impl TryFrom<$repr> for $ty {
            type Error = $err;

            fn try_from($r: $repr) -> Result<$ty, $err> {
                $body
            }
        }
    };
}
