"""Writing results: atomic output folders, the CSV/Parquet tables, report.md and run.json."""
