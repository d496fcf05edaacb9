"""Writing results: atomic output folders, the CSV/Parquet tables, report.md, report.html and run.json."""
