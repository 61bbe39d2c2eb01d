"""What a reliability test measured (sent, stored, lost, doubled, p95, memory), kept for docs/reliability.md.

Each test calls ``record`` once with its figures; they land in ``test-artifacts/reliability/<name>.json``, and
``python -m tests.reliability.figures`` prints them as the table of the last run. The figures are the ones the
test asserted on, so a table made from a passing run shows what was proved.
"""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "test-artifacts" / "reliability"


def record(name: str, **figures) -> None:
    """Keep ``figures`` (numbers or short strings) of the test called ``name``, replacing its last run's."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    entry = {"name": name, "at": datetime.now(UTC).isoformat(timespec="seconds"), "figures": figures}
    (FOLDER / f"{name}.json").write_text(json.dumps(entry, ensure_ascii=False, indent=2), encoding="utf-8")


def last_run() -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(FOLDER.glob("*.json"))]


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def main() -> None:
    entries = last_run()
    if not entries:
        sys.exit(f"no figures in {FOLDER}: run the reliability tests first")
    print("| test | when (UTC) | figures |\n|---|---|---|")
    for entry in entries:
        figures = ", ".join(f"{key} {_cell(value)}" for key, value in entry["figures"].items())
        print(f"| `{entry['name']}` | {entry['at']} | {figures} |")


if __name__ == "__main__":
    main()
