"""Vietnamese first: every UI string in both languages, and Vietnamese number and date formats."""

import unicodedata
from datetime import UTC, date, datetime

import pytest

from ioc.i18n import CATALOGUE, LANGUAGES, day, moment, number, percent, text


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_string_exists_in_every_language_in_nfc(key):
    for language in LANGUAGES:
        value = CATALOGUE[key][language]
        assert value.strip(), f"{key} has no {language} text"
        assert unicodedata.is_normalized("NFC", value), f"{key}/{language} is not NFC"


def test_vietnamese_numbers_use_dots_for_thousands_and_a_comma_for_decimals():
    assert number(1234567, "vi") == "1.234.567"
    assert number(6877.5, "vi", decimals=1) == "6.877,5"
    assert number(6877.5, "en", decimals=1) == "6,877.5"


def test_percentages_are_written_as_vietnamese_reports_write_them():
    assert percent(0.715, "vi") == "71,5%"
    assert percent(0.0275, "vi", decimals=2) == "2,75%"
    assert percent(0.715, "en") == "71.5%"


def test_days_are_dd_mm_yyyy():
    assert day(date(2026, 11, 25), "vi") == "25/11/2026"


def test_moments_are_shown_in_vietnam_time():
    # 17:30 UTC on the 24th is 00:30 on the 25th in Vietnam.
    assert moment(datetime(2026, 11, 24, 17, 30, tzinfo=UTC), "vi") == "00:30 25/11/2026"


def test_placeholders_are_filled():
    assert text("app.province", "vi", name="Bình Phước") == "Tỉnh Bình Phước"
    assert text("app.province", "en", name="Bình Phước") == "Bình Phước Province"
