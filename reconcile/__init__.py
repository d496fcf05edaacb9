"""reconcile: reconcile conflicting claims into calibrated verdicts."""
__version__ = "0.1.0"
