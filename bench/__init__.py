"""Benchmark harness: `make bench` / `python -m bench.run` (see docs/benchmarks.md)."""
