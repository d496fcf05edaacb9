"""Screenshot of out/seed/report.html for the README (docs/report.png): headless Chromium via selenium, the most
doubtful contradiction opened. Run after `make run`:  .venv/bin/python docs/screenshot.py"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1300,1500",
         "--hide-scrollbars"]


def main(page: Path = ROOT / "out/seed/report.html", png: Path = ROOT / "docs/report.png", row: int = 3) -> None:
    options = Options()
    options.binary_location = shutil.which("chromium")
    for flag in FLAGS + [f"--user-data-dir={tempfile.mkdtemp(prefix='reconcile-shot-')}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(page.resolve().as_uri())
        driver.find_elements("css selector", "#triage-body tr")[row].click()
        driver.save_screenshot(str(png))
    finally:
        driver.quit()


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:3]))
