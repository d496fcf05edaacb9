"""The state store: what runs learned, carried from day to day, in one DuckDB file (see store.py)."""
