"""The public-service portal collector: the catalogue and daily dossier statistics over HTTP, incrementally.

Each run reads from a watermark (the last day read) minus ``reread_days``, so corrections a portal makes to
recent days (dossiers that finished since) replace the old rows; rows are upserted, so a day read twice is
counted once. The window is read in chunks, each committed with its watermark, so a long first backfill that
fails half-way keeps what it got. Transport errors and 5xx answers are retried with exponential back-off and
jitter; a broken answer fails the run, which the scheduler records, and the next run starts again from the
watermark; at shutdown a run stops after the chunk in hand. The bearer token comes from IOC_PORTAL_TOKEN.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import httpx
from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt, field_validator
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from collectors.base import PolledCollector
from collectors.portal_parse import (
    CONTRACT_FIELDS,
    PortalFormatError,
    parse_dossier_stats,
    parse_page,
    parse_procedure,
    parse_sector,
    parse_usage,
)
from collectors.registry import register
from ioc.config import CollectorSettings, Section
from ioc.records import RejectedInput
from ioc.store import portal_queries
from ioc.store.portal_writer import set_watermark, store_catalogue, store_dossier_stats, store_procedure_usage
from ioc.store.writer import reject_input
from ioc.timeutil import local_day

log = logging.getLogger(__name__)

STATS_WATERMARK = "portal:dossier_stats"
CATALOGUE_WATERMARK = "portal:catalogue"


class PortalEndpoints(Section):
    sectors: str = Field("/api/v1/sectors", description="Path of the sector list.")
    procedures: str = Field("/api/v1/procedures", description="Path of the procedure catalogue.")
    dossier_stats: str = Field("/api/v1/dossier-stats", description="Path of the daily dossier statistics.")
    procedure_usage: str = Field("/api/v1/procedure-usage", description="Path of the daily online use per procedure.")


class PortalOptions(CollectorSettings):
    interval_seconds: PositiveFloat = Field(300, description="How often the portal is read.")
    base_url: str = Field(description="The portal's address, e.g. https://dichvucong.binhphuoc.gov.vn.")
    page_size: PositiveInt = Field(500, le=5000, description="Items asked for per page.")
    timeout_seconds: PositiveFloat = Field(10, description="Give up on one request after this long.")
    retries: NonNegativeInt = Field(3, description="Retries of a request that timed out or got a 5xx answer.")
    backoff_seconds: PositiveFloat = Field(1, description="First wait before a retry; doubles each time, jittered.")
    backoff_max_seconds: PositiveFloat = Field(30, description="Longest wait between retries.")
    reread_days: PositiveInt = Field(14, description="Days before the watermark read again for corrections.")
    history_days: PositiveInt = Field(730, description="Days of history the first run reads.")
    chunk_days: PositiveInt = Field(31, le=400, description="Days asked for (and committed) at a time.")
    endpoints: PortalEndpoints = PortalEndpoints()
    fields: dict[str, str] = Field(
        {}, description="Contract field name -> the portal's own name, for a portal that names fields differently."
    )

    @field_validator("base_url")
    @classmethod
    def _is_http(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return url.rstrip("/")

    @field_validator("fields")
    @classmethod
    def _names_contract_fields(cls, fields: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(fields) - CONTRACT_FIELDS)
        if unknown:
            raise ValueError(f"not fields of the portal contract: {', '.join(unknown)}")
        return fields


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code >= 500 or exc.response.status_code == 429
    return isinstance(exc, httpx.TransportError)


@register
class PortalCollector(PolledCollector):
    """The provincial public-service portal's catalogue and daily dossier statistics (docs/portal-contract.md)."""

    name = "portal"
    options_model = PortalOptions

    def gather(self) -> int:
        options: PortalOptions = self.options
        token = self.secrets.portal_token
        headers = {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}
        today = local_day(self.clock())
        with httpx.Client(base_url=options.base_url, timeout=options.timeout_seconds, headers=headers) as client:
            rows = self._catalogue(client, today)
            with self.engine.connect() as connection:
                mark = portal_queries.watermark(connection, STATS_WATERMARK)
                known_units = portal_queries.known_unit_codes(connection)
            start = today - timedelta(days=options.history_days - 1)
            if mark is not None:
                start = max(start, date.fromisoformat(mark) - timedelta(days=options.reread_days - 1))
            while start <= today and not self.stopping.is_set():
                last = min(today, start + timedelta(days=options.chunk_days - 1))
                rows += self._days(client, start, last, known_units)
                start = last + timedelta(days=1)
        return rows

    def _catalogue(self, client: httpx.Client, today: date) -> int:
        """Read the catalogue once a day: it changes by decision, not by the hour."""
        with self.engine.connect() as connection:
            if portal_queries.watermark(connection, CATALOGUE_WATERMARK) == today.isoformat():
                return 0
        fields = self.options.fields
        sectors = [parse_sector(item, fields) for item in self._all(client, self.options.endpoints.sectors, {})]
        procedures = [parse_procedure(item, fields)
                      for item in self._all(client, self.options.endpoints.procedures, {})]
        with self.engine.begin() as connection:
            rows = store_catalogue(connection, sectors, procedures)
            set_watermark(connection, CATALOGUE_WATERMARK, today.isoformat())
        return rows

    def _days(self, client: httpx.Client, first: date, last: date, known_units: set[str]) -> int:
        """Read, check and store days ``first..last`` in one transaction that also moves the watermark."""
        window = {"from": first.isoformat(), "to": last.isoformat()}
        stats, usage, rejected = [], [], []
        for path, parse, kept in ((self.options.endpoints.dossier_stats, parse_dossier_stats, stats),
                                  (self.options.endpoints.procedure_usage, parse_usage, usage)):
            for item in self._all(client, path, window):
                try:
                    record = parse(item, self.options.fields)
                except PortalFormatError as exc:
                    rejected.append(RejectedInput(self.name, "invalid_item", str(exc), repr(item)))
                    continue
                if record.unit_code not in known_units:
                    rejected.append(RejectedInput(self.name, "unknown_unit", f"no unit {record.unit_code!r}",
                                                  repr(item)))
                    continue
                kept.append(record)
        with self.engine.begin() as connection:
            rows = store_dossier_stats(connection, stats, source="portal")
            rows += store_procedure_usage(connection, usage)
            for rejection in rejected:
                reject_input(connection, rejection)
            set_watermark(connection, STATS_WATERMARK, last.isoformat())
        return rows

    def _all(self, client: httpx.Client, path: str, params: dict) -> list:
        """Every item of a paged list, page after page."""
        items, page = [], 1
        while True:
            body = self._get(client, path, {**params, "page": page, "page_size": self.options.page_size})
            result = parse_page(body, page, self.options.page_size, self.options.fields)
            items += result.items
            if page * self.options.page_size >= result.total:
                return items
            page += 1

    def _get(self, client: httpx.Client, path: str, params: dict) -> bytes:
        retrying = Retrying(
            stop=stop_after_attempt(self.options.retries + 1),
            wait=wait_exponential_jitter(multiplier=self.options.backoff_seconds, jitter=self.options.backoff_seconds,
                                         max=self.options.backoff_max_seconds),
            retry=retry_if_exception(_is_transient),
            reraise=True,
        )
        return retrying(_fetch, client, path, params)


def _fetch(client: httpx.Client, path: str, params: dict) -> bytes:
    response = client.get(path, params=params)
    response.raise_for_status()
    return response.content
