"""The one table of roles: cumulative, and the only source of what a principal may do."""

import pytest

from ioc.auth.permissions import PERMISSIONS, ROLES, Principal, requires


def test_each_role_can_do_everything_the_one_before_it_can():
    order = list(ROLES)
    assert order == ["viewer", "analyst", "operator", "admin"]
    for lower, higher in zip(order, order[1:], strict=False):
        assert ROLES[lower] < ROLES[higher]
    assert ROLES["admin"] == PERMISSIONS


def test_who_may_do_what():
    assert ROLES["viewer"] == {"view"}
    assert {"analyse", "export"} <= ROLES["analyst"] and "alerts:acknowledge" not in ROLES["analyst"]
    assert {"alerts:acknowledge", "feedback:handle"} <= ROLES["operator"] and "admin" not in ROLES["operator"]


def test_machines_and_displays_get_no_more_than_granted():
    assert Principal("kiosk", "phong-hop-1", "viewer").can("view")
    assert not Principal("kiosk", "phong-hop-1", "viewer").can("alerts:acknowledge")
    assert not Principal("apikey", "zalo-oa", scopes=frozenset({"feedback:write"})).can("view")
    assert Principal("kiosk", "phong-hop-1", "viewer").actor == "kiosk:phong-hop-1"


def test_a_misspelt_permission_fails_at_import_not_at_request():
    with pytest.raises(ValueError, match="unknown permission 'alert:ack'; known: admin, alerts:acknowledge"):
        requires("alert:ack")


def test_every_page_and_callback_declares_a_known_permission(site):
    """A page or callback without a declaration would be refused to everyone; catch it here instead."""
    import dash

    from ioc.auth.guard import ROUTER_OUTPUT

    for page in dash.page_registry.values():
        assert page.get("permission") in PERMISSIONS, page["module"]
    for output, entry in site.app.callback_map.items():
        if entry.get("callback") and output != ROUTER_OUTPUT:
            assert getattr(entry["callback"], "ioc_permission", None) in PERMISSIONS, output
