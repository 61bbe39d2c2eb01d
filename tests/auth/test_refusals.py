"""Nobody reaches an operator or admin page, callback or route without the permission, and nothing changes.

The targets are read from the running app itself (its pages, its callbacks, its Flask views), so a page or
callback added later is covered without touching this file.
"""

import dash
import pytest
import requests

from ioc.auth import apikeys, kiosk
from ioc.auth.guard import ROUTER_OUTPUT
from ioc.auth.permissions import PERMISSIONS, ROLES, VIEW
from tests.auth.conftest import (
    TIMEOUT,
    as_kiosk,
    csrf_headers,
    dump,
    page_callback,
    revoke_callback,
    sign_in,
)


def protected_targets(site) -> list[tuple[str, str, str, dict | None]]:
    """(permission, method, path, JSON body) of every page, callback and view that needs more than ``view``."""
    targets = []
    for page in dash.page_registry.values():
        if page.get("permission") != VIEW:
            targets.append((page.get("permission"), "GET", page["path"], None))
            targets.append((page.get("permission"), "POST", "/_dash-update-component", page_callback(page["path"])))
    for output, entry in site.app.callback_map.items():
        permission = getattr(entry.get("callback"), "ioc_permission", None)
        if entry.get("callback") and output != ROUTER_OUTPUT and permission != VIEW:  # router: pages above
            body = {"output": output, "outputs": [], "inputs": [], "changedPropIds": [], "state": []}
            targets.append((permission, "POST", "/_dash-update-component", body))
    for rule in site.app.server.url_map.iter_rules():
        permission = getattr(site.app.server.view_functions[rule.endpoint], "ioc_permission", None)
        if permission not in (None, VIEW):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                targets.append((permission, method, rule.rule, None))
    return targets


@pytest.fixture
def visitors(site, accounts):
    """Each kind of visitor that holds less than every permission, with the status it must be refused with."""
    revoked = kiosk.create(site.engine, "revoked-wall", "test")
    revoked_visitor = as_kiosk(site.url, revoked)
    revoked_visitor.get(site.url + "/", timeout=TIMEOUT)
    kiosk.revoke(site.engine, "revoked-wall", "test")
    active_kiosk = as_kiosk(site.url, kiosk.create(site.engine, "hall-wall", "test"))
    return {
        "anonymous": (requests.Session(), frozenset(), 401),
        "revoked kiosk": (revoked_visitor, frozenset(), 401),
        "kiosk": (active_kiosk, ROLES["viewer"], 403),
        **{role: (sign_in(site.url, role, accounts[role]), ROLES[role], 403)
           for role in ("viewer", "analyst", "operator")},
    }


def test_every_target_is_found_and_declares_a_known_permission(site):
    targets = protected_targets(site)
    assert {permission for permission, *_ in targets} <= PERMISSIONS
    assert ("admin", "GET", "/admin", None) in targets
    assert any(body and body["output"].startswith("..admin-credentials") for *_, body in targets)


def test_refused_on_every_operator_and_admin_route_and_callback_and_nothing_changes(site, visitors):
    apikeys.create(site.engine, "hotline", ["feedback:write"], "test")
    kiosk.create(site.engine, "lobby-wall", "test")
    attempts = [(permission, method, path, body) for permission, method, path, body in protected_targets(site)]
    attempts += [("admin", "POST", "/_dash-update-component", revoke_callback(kind, name))
                 for kind, name in (("apikey", "hotline"), ("kiosk", "lobby-wall"), ("kiosk", "hall-wall"))]
    before = dump(site.engine)
    checked = 0
    for visitor, (browser, granted, status) in visitors.items():
        for permission, method, path, body in attempts:
            if permission in granted:
                continue
            response = browser.request(method, site.url + path, json=body, headers=csrf_headers(browser),
                                       timeout=TIMEOUT)
            assert response.status_code == status, (visitor, method, path, body, response.text[:200])
            assert "Quản trị truy cập" not in response.text
            checked += 1
    assert checked >= 6 * 4
    assert dump(site.engine) == before


def test_an_admin_gets_through_where_the_others_were_refused(site, accounts):
    """The control for the test above: the same requests do work for someone allowed."""
    kiosk.create(site.engine, "lobby-wall", "test")
    admin = sign_in(site.url, "admin", accounts["admin"])
    assert "Quản trị truy cập" in admin.post(site.url + "/_dash-update-component", json=page_callback("/admin"),
                                             headers=csrf_headers(admin), timeout=TIMEOUT).text
    response = admin.post(site.url + "/_dash-update-component", json=revoke_callback("kiosk", "lobby-wall"),
                          headers=csrf_headers(admin), timeout=TIMEOUT)
    assert response.status_code == 200
    assert "Đã thu hồi “lobby-wall”." in response.text
    assert kiosk.tokens(site.engine)[0]["revoked_at"] is not None


def test_a_viewer_sees_the_overview_but_not_the_admin_link(site, accounts):
    viewer = sign_in(site.url, "viewer", accounts["viewer"])
    layout = viewer.get(site.url + "/_dash-layout", timeout=TIMEOUT).json()
    assert "/admin" not in str(layout)
    overview = viewer.post(site.url + "/_dash-update-component", json=page_callback("/"),
                           headers=csrf_headers(viewer), timeout=TIMEOUT)
    assert overview.status_code == 200 and "Tổng quan tỉnh" in overview.text


def test_an_anonymous_visitor_gets_the_sign_in_form_with_401_and_no_data(site):
    response = requests.get(site.url + "/", timeout=TIMEOUT)
    assert response.status_code == 401
    assert 'action="/login"' in response.text and "Tên đăng nhập" in response.text
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert requests.get(site.url + path, timeout=TIMEOUT).status_code == 401
    assert requests.post(site.url + "/_dash-update-component", json=page_callback("/"),
                         timeout=TIMEOUT).status_code == 401
    assert requests.get(site.url + "/assets/ioc.css", timeout=TIMEOUT).status_code == 200


def test_a_viewer_cannot_smuggle_the_admin_page_past_the_router_check(site, accounts):
    """Dash renders the page named by the router's first input, so that is the one the guard judges."""
    viewer = sign_in(site.url, "viewer", accounts["viewer"])
    smuggled = page_callback("/admin")
    smuggled["inputs"] = [{"id": "decoy", "property": "x", "value": "/admin"},
                          {"id": "_pages_location", "property": "pathname", "value": "/"}]
    response = viewer.post(site.url + "/_dash-update-component", json=smuggled, headers=csrf_headers(viewer),
                           timeout=TIMEOUT)
    assert response.status_code == 400 and "Quản trị truy cập" not in response.text
    swapped = page_callback("/admin")
    swapped["inputs"].reverse()
    assert viewer.post(site.url + "/_dash-update-component", json=swapped, headers=csrf_headers(viewer),
                       timeout=TIMEOUT).status_code == 400
