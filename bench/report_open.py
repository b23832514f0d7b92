#!/usr/bin/env python3
"""Open-to-interactive time of an HTML report in headless Chromium: from asking the browser to open the file to
the page saying it is ready (`<body data-ready="1">`, set after its first draw). Prints one JSON object.

    report_open.py REPORT.html [--rounds N]

Runs with the repo's .venv (selenium) and Debian's chromium + chromium-driver.
"""
import argparse
import json
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


def browser():
    options = Options()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
                 "--disable-dev-shm-usage"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = "file://" + args.report
    times = []
    driver = browser()
    try:
        for _ in range(args.rounds):
            driver.get("about:blank")
            started = time.monotonic()
            driver.get(url)
            while driver.execute_script("return document.body && document.body.dataset.ready") != "1":
                if driver.execute_script("return document.body && document.body.dataset.error"):
                    raise SystemExit("report_open: the page reported an error")
                if time.monotonic() - started > 60:
                    raise SystemExit("report_open: not ready after 60 s")
                time.sleep(0.01)
            times.append(time.monotonic() - started)
    finally:
        driver.quit()
    print(json.dumps({"open_s": times}))


if __name__ == "__main__":
    main()
