"""Hypothesis on every parser of outside input that had none: arbitrary bytes or JSON raise only the parser's
own error, and a generated valid record survives encode, then parse.

The sensor payloads (tests/sensors/test_payloads.py), the portal's dossier statistics (tests/portal/test_parse.py)
and the feedback import's cells (tests/feedback/test_import.py) have theirs beside them; here are the portal's
sectors, procedures and usage items, report files (CSV and XLSX), the intake API's bodies, the config file, the
explorer's URL, and the credentials a request carries (API key, session and kiosk cookies, kiosk URL).
"""

import csv
import io
import json
import string
from dataclasses import asdict
from datetime import date
from urllib.parse import parse_qsl

import pytest
import requests
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from pydantic import ValidationError

from collectors.portal_parse import PortalFormatError, parse_page, parse_procedure, parse_sector, parse_usage
from ioc.config import ConfigError, load_settings
from ioc.feedback.models import TransitionIn, api_models
from ioc.feedback.workflow import CHANNELS, STATUSES
from ioc.indicators.explorer import CHANNELS as EXPLORER_CHANNELS
from ioc.indicators.explorer import CUSTOM, INDICATORS, SORTS, ExplorerState, Known, parse_state
from ioc.indicators.periods import PRESETS
from ioc.portal_import import ImportFileError, read_table
from ioc.records import Procedure, ProcedureUsage, Sector
from tests.auth import conftest as auth_fixtures
from tests.auth.conftest import TIMEOUT
from tests.conftest import write_config

accounts, site = auth_fixtures.accounts, auth_fixtures.site
FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
DEEP = "[" * 10_000 + "]" * 10_000
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=8)
TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=30)
"""Text as people type it: no control characters (an XLSX cannot hold them), no lone surrogates."""
WORDS = TEXT.map(str.strip).filter(bool)


# --- The portal's catalogue and usage items (collectors/portal_parse.py) ----------------------------------

ITEM_KEYS = ["code", "name", "department_code", "sector_code", "online_level", "old_level", "has_fee",
             "online_payment", "unit_levels", "day", "unit_code", "procedure_code", "online_received"]


@FIXTURES
@given(st.dictionaries(st.sampled_from(ITEM_KEYS), JSON | st.lists(JSON, max_size=3), max_size=len(ITEM_KEYS)))
@example({"code": "1.0", "name": "x", "sector_code": "LV01", "online_level": "full", "unit_levels": [["district"]]})
def test_arbitrary_catalogue_and_usage_items_raise_only_the_parsers_error(item):
    for parse in (parse_sector, parse_procedure, parse_usage):
        try:
            parse(item)
        except PortalFormatError:
            pass


def test_unit_levels_that_are_not_text_are_refused_naming_the_field():
    item = {"code": "1.0", "name": "x", "sector_code": "LV01", "online_level": "full", "has_fee": False,
            "online_payment": False, "unit_levels": [["district"]]}
    with pytest.raises(PortalFormatError, match=r"unit_levels: not a list of province, district, commune"):
        parse_procedure(item)


@FIXTURES
@given(st.binary(max_size=200) | st.just(DEEP.encode()))
def test_arbitrary_pages_raise_only_the_parsers_error(body):
    try:
        page = parse_page(body, page=1, page_size=10)
    except PortalFormatError:
        return
    for item in page.items:
        for parse in (parse_sector, parse_procedure, parse_usage):
            try:
                parse(item)
            except PortalFormatError:
                pass


codes = st.text(string.ascii_uppercase + string.digits + ".", min_size=1, max_size=10)


@FIXTURES
@given(st.builds(Sector, codes, WORDS, st.none() | codes))
def test_a_sector_survives_encode_then_parse(sector):
    assert parse_sector(json.loads(json.dumps(asdict(sector)))) == sector


@FIXTURES
@given(st.builds(Procedure, codes, WORDS, codes, st.sampled_from(["full", "partial", "none"]),
                 st.none() | st.integers(1, 4), st.booleans(), st.booleans(), st.booleans(), st.booleans(),
                 st.booleans()))
def test_a_procedure_survives_encode_then_parse(procedure):
    item = {**asdict(procedure), "unit_levels": [level for level, at in (
        ("province", procedure.at_province), ("district", procedure.at_district),
        ("commune", procedure.at_commune)) if at]}
    for flag in ("at_province", "at_district", "at_commune"):
        del item[flag]
    assert parse_procedure(json.loads(json.dumps(item))) == procedure


@FIXTURES
@given(st.builds(ProcedureUsage, st.dates(date(2000, 1, 1), date(2100, 1, 1)), codes, codes,
                 st.integers(0, 10**9)))
def test_a_usage_item_survives_encode_then_parse(usage):
    item = {**asdict(usage), "day": usage.day.isoformat()}
    assert parse_usage(json.loads(json.dumps(item))) == usage


# --- Report files, CSV and XLSX (ioc/portal_import.py, shared by both imports) ----------------------------

@FIXTURES
@given(body=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
@example(body=DEEP.encode(), suffix=".csv")
@example(body=b"PK\x03\x04" + bytes(60), suffix=".xlsx")
def test_arbitrary_bytes_as_a_report_file_raise_only_the_import_error(tmp_path, body, suffix):
    path = tmp_path / f"bao-cao{suffix}"
    path.write_bytes(body)
    try:
        read_table(path)
    except ImportFileError as refused:
        assert refused.errors


HEADER = st.lists(st.text(string.ascii_letters + " ", min_size=1, max_size=12).map(str.strip).filter(bool),
                  min_size=1, max_size=5)


@st.composite
def tables(draw) -> list[list[str]]:
    """A header and rows of text cells, none blank throughout (blank rows are skipped by design)."""
    header = draw(HEADER)
    cell = TEXT.filter(lambda text: not text.startswith("="))  # "=" would be written to an XLSX as a formula
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header))
                         .filter(lambda row: any(value.strip() for value in row)), max_size=6))
    return [header, *rows]


@FIXTURES
@given(table=tables(), separator=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig",
                                                                                              "utf-16"]))
@example(table=[["Tiêu đề", "Nội dung"], ['Ổ gà "to"', "a,b;c\td"]], separator=",", encoding="utf-8")
def test_a_csv_table_survives_encode_then_read(tmp_path, table, separator, encoding):
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(table)
    path = tmp_path / "bao-cao.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    header, rows = read_table(path)
    assert [header, *(row for _number, row in rows)] == table
    assert [number for number, _row in rows] == list(range(2, len(table) + 1))


@FIXTURES
@given(table=tables())
def test_an_xlsx_table_survives_encode_then_read(tmp_path, table):
    book = Workbook()
    for row in table:
        book.active.append(row)
    path = tmp_path / "bao-cao.xlsx"
    book.save(path)
    header, rows = read_table(path)
    # a spreadsheet keeps no empty text: an empty cell reads as None
    assert [header, *(row for _number, row in rows)] == [[value or None for value in row] if number else row
                                                         for number, row in enumerate(table)]


# --- The intake API's bodies (ioc/feedback/models.py) -----------------------------------------------------

MODELS = api_models(["roads", "environment"], ["689", "690", "25195"])


@FIXTURES
@given(st.binary(max_size=300) | st.just(DEEP.encode()) | JSON.map(lambda value: json.dumps(value).encode()))
def test_arbitrary_bytes_as_an_api_body_raise_only_the_models_error(body):
    for model in (MODELS.report_in, TransitionIn):
        try:
            model.model_validate_json(body, strict=True)
        except ValidationError:
            pass


SAFE = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
TITLE = st.text(SAFE, min_size=1, max_size=300).filter(lambda text: text.strip())


@st.composite
def reports(draw) -> dict:
    body = {"channel": draw(st.sampled_from(CHANNELS)), "channel_ref": draw(st.text(SAFE, min_size=1, max_size=100)),
            "category": draw(st.sampled_from(["roads", "environment"])), "title": draw(TITLE),
            "description": draw(TITLE)}
    if draw(st.booleans()):
        body["position"] = {"lon": draw(st.floats(-180, 180)), "lat": draw(st.floats(-90, 90))}
    if draw(st.booleans()):
        body["unit_code"] = draw(st.sampled_from(["689", "690", "25195"]))
    if draw(st.booleans()):
        body["reporter"] = {"name": draw(st.text(SAFE, min_size=1, max_size=200)),
                            "phone": draw(st.from_regex(r"\A\+?[0-9][0-9 .()-]{5,19}\Z")),
                            "email": "an@example.vn"}
    body["attachments"] = draw(st.lists(st.from_regex(r"\Ahttps?://[a-z0-9./_-]{1,40}\Z"), max_size=3))
    return body


@FIXTURES
@given(reports())
def test_a_report_survives_encode_then_parse(body):
    parsed = MODELS.report_in.model_validate_json(json.dumps(body), strict=True)
    assert parsed.model_dump(exclude_unset=True) == body


@FIXTURES
@given(st.builds(dict, to=st.sampled_from(STATUSES[1:]), note=st.none() | st.text(SAFE, max_size=50),
                 rating=st.none() | st.integers(1, 5)))
def test_a_transition_survives_encode_then_parse(body):
    assert TransitionIn.model_validate_json(json.dumps(body), strict=True).model_dump(exclude_unset=True) == body


# --- The config file (ioc/config.py) ----------------------------------------------------------------------

@settings(FIXTURES, max_examples=40)
@given(st.binary(max_size=300) | JSON.map(lambda value: yaml.safe_dump(value).encode()))
@example(b"\xff\xfe not UTF-8")
@example(DEEP.encode())
@example(b"a: " + b"{b: " * 10_000)
def test_arbitrary_bytes_as_a_config_file_raise_only_the_config_error(tmp_path, body):
    path = tmp_path / "config.yaml"
    path.write_bytes(body)
    try:
        load_settings(path)
    except ConfigError as refused:
        assert refused.problems


def test_a_config_file_not_in_utf8_or_nested_too_deeply_is_refused_naming_why(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes("web: {host: 'máy'}".encode("latin-1"))  # a legacy 8-bit encoding
    with pytest.raises(ConfigError, match=r"\(file\): not UTF-8 text \(invalid continuation byte at byte 14\)"):
        load_settings(path)
    path.write_bytes(DEEP.encode())
    with pytest.raises(ConfigError, match=r"\(file\): not valid YAML: nested too deeply"):
        load_settings(path)


@settings(FIXTURES, max_examples=10)
@given(web=st.fixed_dictionaries({
    "host": st.from_regex(r"\A[a-z0-9.-]{1,30}\Z"), "port": st.integers(1, 65535),
    "refresh_seconds": st.integers(1, 10**6), "default_language": st.sampled_from(["vi", "en"])}),
    max_file_mb=st.integers(1, 10**6))
def test_settings_survive_write_then_load(tmp_path, web, max_file_mb):
    loaded = load_settings(write_config(tmp_path, web=web, portal_import={"max_file_mb": max_file_mb}))
    assert loaded.web.model_dump(include=set(web)) == web
    assert loaded.portal_import.max_file_mb == max_file_mb


# --- The explorer's URL (ioc/indicators/explorer.py, read by the page and the exports) --------------------

@pytest.fixture
def known(sqlite_engine) -> Known:
    from tests.analytics.helpers import store_history

    store_history(sqlite_engine)
    with sqlite_engine.connect() as connection:
        return Known.read(connection)


QUERY_KEYS = ["period", "from", "to", "unit", "commune", "sector", "channel", "indicator", "sort", "order"]


@FIXTURES
@given(query=st.text(max_size=200) | st.dictionaries(st.sampled_from(QUERY_KEYS), st.text(max_size=20)).map(
    lambda values: "&".join(f"{key}={value}" for key, value in values.items())))
@example(query="period=custom&from=0001-01-01&to=9999-12-31")
@example(query="period=custom&from=2026-03-31&to=2026-03-01&unit=%00&commune=689")
def test_any_query_string_opens_a_state_that_its_link_reopens(known, query):
    state = parse_state(dict(parse_qsl(query.lstrip("?"))), known)
    assert parse_state(dict(parse_qsl(state.query_string().lstrip("?"))), known) == state


@FIXTURES
@given(data=st.data())
def test_a_state_survives_its_link(known, data):
    draw = data.draw
    period = draw(st.sampled_from([*PRESETS, CUSTOM]))
    first = draw(st.dates(date(2000, 1, 1), date(2100, 1, 1))) if period == CUSTOM else None
    last = draw(st.dates(first, min(first.replace(year=first.year + 4), date(2100, 1, 1)))) if first else None
    communes = [code for code, unit in known.units.items() if unit["level"] == "commune"]
    commune = draw(st.none() | st.sampled_from(communes))
    unit = known.units[commune]["parent_code"] if commune else draw(st.none() | st.sampled_from(
        [code for code, unit in known.units.items() if unit["level"] in ("district", "department")]))
    state = ExplorerState(period=period, first=first, last=last, unit=unit, commune=commune,
                          sector=draw(st.none() | st.sampled_from(sorted(known.sectors))),
                          channel=draw(st.sampled_from(EXPLORER_CHANNELS)), indicator=draw(st.sampled_from(INDICATORS)),
                          sort=draw(st.sampled_from(SORTS)), descending=draw(st.booleans()))
    assert parse_state(dict(parse_qsl(state.query_string().lstrip("?"))), known) == state


# --- Credentials a request carries: API key, session and kiosk cookies, kiosk URL (ioc/auth/) -------------

HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=80)
"""What an HTTP header can carry (Latin-1, no control characters)."""
COOKIE_TEXT = st.text(string.ascii_letters + string.digits + "-_.~!$%&'()*+/:<>?@[]^`{|}", max_size=80)


@settings(FIXTURES, max_examples=60)
@given(key=HEADER_TEXT, scheme=st.sampled_from(["Bearer ", "bearer ", "Basic ", ""]),
       cookie=COOKIE_TEXT, name=st.sampled_from(["ioc_session", "ioc_kiosk"]))
def test_any_presented_credential_is_refused_with_401_never_an_error(site, key, scheme, cookie, name):
    for headers in ({"Authorization": scheme + key}, {"X-API-Key": key}):
        answer = requests.get(site.url + "/api/v1/whoami", headers=headers, timeout=TIMEOUT)
        assert answer.status_code == 401 and answer.json() == {"error": "a valid API key is required"}
    answer = requests.get(site.url + "/health.json", headers={"Cookie": f"{name}={cookie}"}, timeout=TIMEOUT)
    assert answer.status_code == 401 and answer.json() == {"error": "sign-in required"}


@settings(FIXTURES, max_examples=40)
@given(token=st.text(st.characters(exclude_categories=["Cs"], exclude_characters="/?#"), min_size=1, max_size=60))
def test_any_kiosk_url_is_refused_without_an_error(site, token):
    answer = requests.get(f"{site.url}/kiosk/{requests.utils.quote(token, safe='')}", timeout=TIMEOUT,
                          allow_redirects=False)
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:200])
