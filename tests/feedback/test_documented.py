"""What the docs, the catalogue and the shipped configuration promise about feedback matches the code."""

import csv
import re
from datetime import UTC, date, datetime

from ioc.config import FeedbackSettings, load_settings
from ioc.indicators.feedback_report import FeedbackReport
from tests.conftest import REPO

CODES = list(FeedbackReport(date(2026, 1, 1), date(2026, 1, 1), 0, None, None, None, 0, 0, {}, {}, {}, {})
             .values())


def test_every_feedback_indicator_is_in_the_catalogue_and_documented_with_its_missing_data_rule():
    with (REPO / "data" / "indicators.csv").open(encoding="utf-8") as handle:
        catalogue = {row["code"]: row for row in csv.DictReader(handle)}
    text = (REPO / "docs" / "indicators.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, re.S | re.M))
    for code in CODES:
        assert catalogue[code]["formula_ref"] == f"docs/indicators.md#{code}"
        assert catalogue[code]["name_vi"] in sections[code] and catalogue[code]["name_en"] in sections[code]
        assert "later issue" not in sections[code] and "no data" in sections[code].lower(), code


def test_the_shipped_config_holds_the_documented_categories_and_deadlines():
    shipped = load_settings(REPO / "config.yaml").feedback
    assert shipped == FeedbackSettings()
    documented = (REPO / "docs" / "feedback.md").read_text(encoding="utf-8")
    for category in shipped.categories:
        assert f"| {category.code} | {category.name_vi} | {category.deadline_days} |" in documented


def test_the_documented_deadline_example_holds():
    from ioc.feedback.deadlines import due_at

    settings = FeedbackSettings()
    received = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)  # Tuesday 17:30 in Vietnam
    assert due_at(received, 1, settings.working_day_end) == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
