"""Indicator benchmark: every portal indicator, score and gap for every unit over 24 months, on SQLite.

    .venv/bin/python benchmarks/indicators.py [--runs 5] [--write docs/benchmarks.md]

Fills a fresh SQLite store with 24 months (730 Vietnam days) of the portal simulator's history for the 123
administrative units and the 19 departments (catalogue, daily statistics, procedure usage), then times
``portal_indicators`` for the whole range by month (142 units x 24 months, one result each), for the whole
range as one period, and for one period not on month edges (read from the daily rows). Printed: rows stored
and the median of ``--runs`` timings; ``--write`` replaces the "Portal indicators" section of the given
Markdown file with them.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from collectors.portal_parse import parse_dossier_stats, parse_procedure, parse_sector, parse_usage  # noqa: E402
from collectors.portal_simdata import model_for  # noqa: E402
from ioc.config import load_settings  # noqa: E402
from ioc.indicators.portal_report import portal_indicators  # noqa: E402
from ioc.reference import load_reference_data  # noqa: E402
from ioc.store.engine import open_engine  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.store.portal_writer import store_catalogue, store_dossier_stats, store_procedure_usage  # noqa: E402
from ioc.timeutil import local_day, utcnow  # noqa: E402

LAST_DAY = date(2026, 10, 31)
FIRST_DAY = date(2024, 11, 1)  # 24 whole months


def fill(engine, settings, first_day: date = FIRST_DAY, last_day: date = LAST_DAY) -> tuple[int, int]:
    """The portal simulator's catalogue and history for Vietnam days ``first_day..last_day``; returns the
    daily statistics and procedure-usage rows stored. The dashboard benchmark fills its year with this too."""
    model = model_for(settings, first_day=first_day)
    sectors, procedures = model.catalogue
    stats_rows = usage_rows = 0
    with engine.begin() as connection:
        store_catalogue(connection, [parse_sector(s) for s in sectors], [parse_procedure(p) for p in procedures])
    day = first_day
    while day <= last_day:
        last = min(last_day, day + timedelta(days=30))
        stats, usage = [], []
        for day_stats, day_usage in model.history(day, last, last_day + timedelta(days=30)):
            stats += [parse_dossier_stats(item) for item in day_stats]
            usage += [parse_usage(item) for item in day_usage]
        with engine.begin() as connection:
            stats_rows += store_dossier_stats(connection, stats, source="portal")
            usage_rows += store_procedure_usage(connection, usage)
        day = last + timedelta(days=1)
    return stats_rows, usage_rows


def timed(engine, settings, grain: str, runs: int, first: date = FIRST_DAY, last: date = LAST_DAY
          ) -> tuple[float, int]:
    timings, results = [], []
    for _ in range(runs):
        with engine.connect() as connection:
            start = time.perf_counter()
            results = portal_indicators(connection, settings.indicators, first, last, grain)
            timings.append(time.perf_counter() - start)
    return statistics.median(timings), len(results)


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in subprocess.run(
        ["lscpu"], capture_output=True, text=True, check=False).stdout.splitlines()
        if line.startswith("Model name")), platform.processor() or "unknown CPU")
    return f"{os.cpu_count()} CPU ({model}), Python {platform.python_version()}, SQLite on local disk"


def write_section(path: Path, text: str, heading: str = "## Portal indicators") -> None:
    """Replace (or add) the section under ``heading`` of the Markdown file ``path``."""
    current = path.read_text(encoding="utf-8") if path.exists() else (
        "# Benchmarks\n\nTimings of the IOC's heavier paths, one section per benchmark in `benchmarks/`; each "
        "section says\nwhen, on which machine and how it was measured.\n")
    pattern = re.compile(rf"{re.escape(heading)}\n.*?(?=\n## |\Z)", re.S)
    section = f"{heading}\n\n{text.strip()}\n"
    updated = pattern.sub(lambda _m: section, current) if pattern.search(current) else (
        current.rstrip("\n") + "\n\n" + section)
    path.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", type=Path, help="Markdown file whose 'Portal indicators' section to replace")
    args = parser.parse_args()
    settings = load_settings(REPO / "config.yaml")
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(f"sqlite:///{folder}/bench.db")
        upgrade(engine)
        load_reference_data(engine, settings)
        start = time.perf_counter()
        stats_rows, usage_rows = fill(engine, settings)
        filled = time.perf_counter() - start
        monthly, monthly_results = timed(engine, settings, "month", args.runs)
        whole, whole_results = timed(engine, settings, "total", args.runs)
        ragged, ragged_results = timed(engine, settings, "total", args.runs, FIRST_DAY + timedelta(days=1),
                                       LAST_DAY - timedelta(days=1))
        engine.dispose()
    report = f"""
`benchmarks/indicators.py`, {local_day(utcnow()).isoformat()}, {machine()}.

Store: {stats_rows:,} daily statistics rows and {usage_rows:,} procedure-usage rows ({FIRST_DAY} to {LAST_DAY},
24 months, 123 units and 19 departments), filled in {filled:.0f} s.

| computation | results | median of {args.runs} |
|---|---|---|
| every indicator, score and gap, per unit and month | {monthly_results:,} | {monthly * 1000:.0f} ms |
| the same over the whole range as one period | {whole_results:,} | {whole * 1000:.0f} ms |
| one period not on month edges ({FIRST_DAY + timedelta(days=1)} to {LAST_DAY - timedelta(days=1)}) | \
{ragged_results:,} | {ragged * 1000:.0f} ms |

Target: under 1 s for all units over 24 months. Ranges that start and end on month edges (months, quarters,
years) read the monthly rollups `dossier_stats_monthly` and `procedure_usage_monthly`, which every write keeps
up to date for the months it touches; other ranges (days, custom ranges) read the daily rows.
"""
    print(report)
    if args.write:
        write_section(args.write, report)


if __name__ == "__main__":
    main()
