"""A small portal history whose every figure is computed by hand in the tests (March 2026 against February)."""

import json
from datetime import date

from ioc.records import DossierStats, Procedure, ProcedureUsage, Sector
from ioc.store.portal_writer import store_catalogue, store_dossier_stats, store_procedure_usage

SECTORS = [Sector("LV01", "Hộ tịch", "STP"), Sector("LV02", "Chứng thực", "STP"), Sector("LV03", "Xây dựng", "SXD")]


def procedure(code, sector, level, province=False, district=False, commune=False) -> Procedure:
    return Procedure(code, f"Thủ tục {code}", sector, level, None, False, False, province, district, commune)


PROCEDURES = [
    procedure("P1", "LV01", "full", district=True, commune=True),
    procedure("P2", "LV01", "partial", province=True),
    procedure("P3", "LV02", "none", province=True, district=True),
    procedure("P5", "LV01", "none", district=True),
]


def stats(day, unit, sector, online, offline, early, on_time, late, pending, overdue) -> DossierStats:
    received = online + offline
    return DossierStats(day, unit, sector, online, offline, early, on_time, late, pending, overdue,
                        float(early + on_time + late), 0, 0, received, 0, 0, 0)


ROWS = [
    # Đồng Xoài (689), March: 10 early + 6 on time + 1 pending in time of 20 = 85%; February: 8 of 10 = 80%
    stats(date(2026, 3, 2), "689", "LV01", 4, 16, 10, 6, 2, 1, 1),
    stats(date(2026, 2, 10), "689", "LV01", 2, 8, 8, 0, 2, 0, 0),
    # Bình Long (690), March: 10 of 10 = 100% (sector LV02); nothing in February
    stats(date(2026, 3, 5), "690", "LV02", 5, 5, 9, 1, 0, 0, 0),
    # Tân Phú (25195), a commune of Đồng Xoài, March: 2 of 3
    stats(date(2026, 3, 9), "25195", "LV01", 1, 2, 1, 1, 1, 0, 0),
]
MARCH = {"period": "custom", "from": "2026-03-01", "to": "2026-03-31"}


def store_history(engine) -> None:
    with engine.begin() as connection:
        store_catalogue(connection, SECTORS, PROCEDURES)
        store_dossier_stats(connection, ROWS, source="portal")
        store_procedure_usage(connection, [ProcedureUsage(date(2026, 3, 2), "689", "P1", 4)])


def control(name: str) -> dict:
    return {"name": name, "type": "analytics-control"}


def part(name: str) -> dict:
    return {"name": name, "type": "analytics-part"}


def key(component: dict | str) -> str:
    """A component id as Dash names it in a callback: a plain string as it is, a dict id as sorted JSON."""
    return component if isinstance(component, str) else json.dumps(component, separators=(",", ":"), sort_keys=True)


def filter_inputs(period="custom", start="2026-03-01", end="2026-03-31", unit="70", commune=None, sector=None,
                  channel="all", indicator="dossier_on_time_rate", sort=None) -> list[dict]:
    """The filters' values as Dash's renderer posts them to every explorer callback."""
    values = [("period", "value", period), ("dates", "start_date", start), ("dates", "end_date", end),
              ("unit", "value", unit), ("commune", "value", commune), ("sector", "value", sector),
              ("channel", "value", channel), ("indicator", "value", indicator),
              ("sort", "data", sort or {"by": "rank", "descending": False})]
    return [{"id": control(name), "property": prop, "value": value} for name, prop, value in values]


def callback_body(outputs: list[tuple[dict, str]], inputs: list, changed: str, state: list | None = None) -> dict:
    """A callback POST as Dash's renderer sends it: one output by itself, several joined with dots."""
    names = [f"{key(component)}.{prop}" for component, prop in outputs]
    described = [{"id": component, "property": prop} for component, prop in outputs]
    return {
        "output": names[0] if len(names) == 1 else ".." + "...".join(names) + "..",
        "outputs": described[0] if len(described) == 1 else described,
        "inputs": inputs,
        "changedPropIds": [changed],
        "state": state or [],
    }


def chart_callback(**filters) -> dict:
    """The body Dash posts to redraw the explorer's time series."""
    return callback_body([(part("chart"), "figure")], filter_inputs(**filters), key(control("indicator")) + ".value")


def summary_callback(**filters) -> dict:
    """The body Dash posts to redraw the ranking table, the comparison and the map."""
    outputs = [(part("ranking"), "children"), (part("comparison"), "children"), (part("map"), "figure")]
    return callback_body(outputs, filter_inputs(**filters), key(control("indicator")) + ".value")


def url_callback(**filters) -> dict:
    """The body Dash posts to write the filters into the URL and the export links."""
    outputs = [(part("location"), "search"), (part("exports"), "children")]
    return callback_body(outputs, filter_inputs(**filters), key(control("indicator")) + ".value")


def communes_callback(unit: str, commune: str | None = None) -> dict:
    outputs = [(control("commune"), "options"), (control("commune"), "disabled"), (control("commune"), "value")]
    return callback_body(outputs, [{"id": control("unit"), "property": "value", "value": unit}],
                         key(control("unit")) + ".value",
                         [{"id": control("commune"), "property": "value", "value": commune}])


def dates_callback(period: str) -> dict:
    outputs = [(control("dates"), "start_date"), (control("dates"), "end_date"), (control("dates"), "disabled")]
    return callback_body(outputs, [{"id": control("period"), "property": "value", "value": period}],
                         key(control("period")) + ".value")


def channel_callback(indicator: str) -> dict:
    return callback_body([(control("channel"), "disabled")],
                         [{"id": control("indicator"), "property": "value", "value": indicator}],
                         key(control("indicator")) + ".value")


def map_click_callback(code: str) -> dict:
    return callback_body([(control("unit"), "value")],
                         [{"id": part("map"), "property": "clickData", "value": {"points": [{"location": code}]}}],
                         key(part("map")) + ".clickData")


def sort_callback(column: str, current: dict | None = None) -> dict:
    buttons = [{"column": name, "type": "analytics-sort"} for name in ("rank", "unit", "value", "gap", "change",
                                                                        "received")]
    return callback_body([(control("sort"), "data")],
                         [[{"id": button, "property": "n_clicks", "value": 1 if button["column"] == column else None}
                           for button in buttons]],
                         key({"column": column, "type": "analytics-sort"}) + ".n_clicks",
                         [{"id": control("sort"), "property": "data", "value": current or {"by": "rank",
                                                                                            "descending": False}}])
