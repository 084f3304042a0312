"""The Python side of examples/common/compare_io.rs, shared by the comparison scripts: run a
crate example and read its plain `key values…` lines, and time a call as the best of several."""

import subprocess
import time

import numpy as np


def crate_lines(example, *args):
    """Run `cargo run --release --example <example> -- args…` and read each output line
    `key v1 v2 …` into {key: array of the values}."""
    command = ["cargo", "run", "--quiet", "--release", "--example", example, "--"] + [str(a) for a in args]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return {k: np.array([float(x) for x in v]) for k, *v in (line.split() for line in out.splitlines())}


def best_of(repeat, f):
    """The shortest of `repeat` timed calls of `f` (seconds), and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = f()
        best = min(best, time.perf_counter() - t)
    return best, result
