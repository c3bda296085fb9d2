#!/usr/bin/env bash
# CI smoke run of the benchmark: about a second per scenario, small counts.
# Checks correctness only (every sign-up answered, exactly the seats
# confirmed in the rush, no 5xx); timings are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --locked --release --bin atelier-bench -- --quick "$@"
