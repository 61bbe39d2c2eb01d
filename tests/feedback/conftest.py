"""The real app over real HTTP with one user per role (the sign-in tests' fixtures), and API keys for the
feedback channels."""

from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import func, select

from ioc.auth import apikeys
from ioc.store import schema
from tests.auth import conftest as auth_fixtures
from tests.auth.conftest import TIMEOUT

accounts, settings, site = auth_fixtures.accounts, auth_fixtures.settings, auth_fixtures.site

DONG_XOAI = {"lon": 106.8472, "lat": 11.5197}
"""A point in Đồng Xoài (GSO 689), the provincial capital."""
SAIGON = {"lon": 106.7009, "lat": 10.7769}
"""Hồ Chí Minh City: outside Bình Phước."""


@dataclass
class Api:
    url: str
    write_key: str
    handle_key: str

    def post(self, path: str, body, key: str | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {key or self.write_key}", **kwargs.pop("headers", {})}
        return requests.post(self.url + path, json=body, headers=headers, timeout=TIMEOUT, **kwargs)

    def get(self, path: str, key: str | None = None) -> requests.Response:
        return requests.get(self.url + path, headers={"X-API-Key": key or self.write_key}, timeout=TIMEOUT)

    def step(self, code: str, **body) -> requests.Response:
        return self.post(f"/feedback/{code}/transitions", body, key=self.handle_key)


@pytest.fixture
def api(site) -> Api:
    write = apikeys.create(site.engine, "hue-s-app", ["feedback:write"], "test", rate_limit="1000/minute")
    handle = apikeys.create(site.engine, "so-gtvt", ["feedback:handle"], "test", rate_limit="1000/minute")
    return Api(site.url + "/api/v1", write, handle)


def report(**overrides) -> dict:
    """A valid field report from the app, with a photo and a place."""
    body = {"channel": "app", "channel_ref": "hue-s-000123", "category": "roads",
            "title": "Ổ gà lớn trên đường Phú Riềng Đỏ",
            "description": "Ổ gà sâu khoảng 20 cm trước số nhà 512, xe máy dễ té ngã khi trời mưa.",
            "position": DONG_XOAI, "reporter": {"name": "Nguyễn Văn An", "phone": "0912 345 678",
                                               "email": "nguyenvanan@gmail.com"},
            "attachments": ["https://hue-s.example.vn/photos/123.jpg"]}
    return {**body, **overrides}


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def reports(engine) -> list[dict]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(select(schema.feedback).order_by(schema.feedback.c.id))
                .mappings()]
