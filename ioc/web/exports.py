"""The explorer's exports: ``/analytics/export.csv`` and ``.xlsx`` with the page's own query string.

They read the same ``ExplorerState`` from the URL and the same ``explorer.explore`` that draws the page, so
the file holds the table on the screen: each figure as its raw value and as the text shown
(docs/analytics.md#exports). Both need the ``export`` permission.
"""

import flask

from ioc.auth import audit
from ioc.auth.guard import current_principal
from ioc.auth.permissions import EXPORT, requires
from ioc.i18n import text
from ioc.indicators import explorer
from ioc.store import queries
from ioc.tables import csv_bytes, xlsx_bytes
from ioc.timeutil import local_day, utcnow
from ioc.web.context import current, current_language

blueprint = flask.Blueprint("analytics_exports", __name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIGURES = ("value", "target", "gap", "previous", "change", "received")
"""The ranking table's figures, each exported twice: raw, then as shown."""


@blueprint.get("/analytics/export.csv")
@requires(EXPORT)
def export_csv():
    language, state, explored, _drawn, _names = _explored(with_series=False)
    _audit("csv", state)
    return _attachment(csv_bytes(ranking_rows(explored, language)), "text/csv", "csv")


@blueprint.get("/analytics/export.xlsx")
@requires(EXPORT)
def export_xlsx():
    language, state, explored, drawn, names = _explored(with_series=True)
    _audit("xlsx", state)
    sheets = [
        (text("analytics.sheet.ranking", language), ranking_rows(explored, language)),
        (text("analytics.sheet.series", language), series_rows(drawn, language)),
        (text("analytics.sheet.filters", language), filter_rows(state, explored, names, language)),
    ]
    return _attachment(xlsx_bytes(sheets), XLSX_TYPE, "xlsx")


def ranking_rows(explored: explorer.Explored, language: str) -> list[list]:
    shown = text("analytics.export.shown", language)
    header = [text("analytics.column.rank", language), text("analytics.export.unit_code", language),
              text("analytics.column.unit", language)]
    for name in FIGURES:
        label = text(f"analytics.column.{name}", language)
        header += [label, f"{label} ({shown})"]
    rows = [header]
    for row in explored.rows:
        cells = [row.rank, row.unit_code, row.unit_name]
        for name in FIGURES:
            figure = getattr(row, name)
            cells += [figure.raw, figure.shown]
        rows.append(cells)
    total = explored.total_received
    rows.append([None, None, text("analytics.total", language), *([None] * (2 * len(FIGURES) - 2)), total.raw,
                 total.shown])
    return rows


def series_rows(drawn: explorer.Series, language: str) -> list[list]:
    shown = text("analytics.export.shown", language)
    rows = [[text("analytics.export.first", language), text("analytics.export.last", language),
             text("analytics.column.value", language), f"{text('analytics.column.value', language)} ({shown})"]]
    rows += [[period.first.isoformat(), period.last.isoformat(), figure.raw, figure.shown]
             for period, figure in drawn.points]
    return rows


def filter_rows(state: explorer.ExplorerState, explored: explorer.Explored, names: dict, language: str) -> list:
    return [
        [text("analytics.export.filter", language), text("analytics.export.setting", language)],
        [text("analytics.filter.period", language), explorer.period_label(explored.period, language)],
        [text("analytics.filter.unit", language), explored.chosen.unit_name],
        [text("analytics.filter.sector", language), names["sector"]],
        [text("analytics.filter.indicator", language), names["indicator"]],
        [text("analytics.filter.channel", language), text(f"analytics.channel.{state.channel}", language)],
        [text("analytics.export.link", language), "/analytics" + state.query_string()],
    ]


def _explored(with_series: bool):
    language = current_language()
    context = current()
    today = local_day(utcnow())
    with context.engine.connect() as connection:
        known = explorer.Known.read(connection)
        state = explorer.parse_state(flask.request.args.to_dict(), known)
        explored = explorer.explore(connection, context.settings, state, today, language)
        drawn = explorer.series(connection, context.settings, state, today, language) if with_series else None
        catalogue = {row["code"]: row for row in queries.indicator_catalogue(connection)}
    names = {"sector": known.sectors.get(state.sector) or text("analytics.all_sectors", language),
             "indicator": explorer.indicator_name(state.code, catalogue, language)}
    return language, state, explored, drawn, names


def _audit(kind: str, state: explorer.ExplorerState) -> None:
    with current().engine.begin() as connection:
        audit.record(connection, audit.EXPORTED, current_principal().actor, f"analytics.{kind}",
                     flask.request.remote_addr, state.query_string()[:200] or None)


def _attachment(body: bytes, media_type: str, extension: str) -> flask.Response:
    name = f"ioc-chi-so-{local_day(utcnow()).isoformat()}.{extension}"
    return flask.Response(body, mimetype=media_type,
                          headers={"Content-Disposition": f'attachment; filename="{name}"'})
