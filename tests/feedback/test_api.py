"""The intake API over real HTTP: create, retry, refusals with the field named, HTML kept as text, status by
tracking code without personal data, and staff transitions with their refusals."""

import pytest
import requests

from ioc.auth import kiosk
from ioc.store import schema
from tests.auth.conftest import TIMEOUT, as_kiosk, dump, sign_in
from tests.feedback.conftest import SAIGON, count, report, reports


def test_a_report_is_stored_once_placed_in_its_district_and_given_a_tracking_code(api, site):
    response = api.post("/feedback", report())
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["tracking_code"].startswith("PA-") and created["status"] == "received"
    assert (created["unit_code"], created["outside_province"], created["duplicate"]) == ("689", False, False)
    [stored] = reports(site.engine)
    assert (stored["title"], stored["reporter_phone"], stored["submitted_by"]) == (
        "Ổ gà lớn trên đường Phú Riềng Đỏ", "0912 345 678", "apikey:hue-s-app")
    assert stored["attachments"] == ["https://hue-s.example.vn/photos/123.jpg"]
    with site.engine.connect() as connection:
        events = [dict(row) for row in connection.execute(schema.feedback_events.select()).mappings()]
    assert [(e["actor"], e["from_status"], e["to_status"]) for e in events] == [("apikey:hue-s-app", None, "received")]


def test_a_retry_with_the_same_channel_id_returns_the_stored_report_and_stores_nothing(api, site):
    first = api.post("/feedback", report()).json()
    again = api.post("/feedback", report())
    assert again.status_code == 200
    assert again.json() == {**first, "duplicate": True}
    assert count(site.engine, schema.feedback) == 1 and count(site.engine, schema.feedback_events) == 1
    other = api.post("/feedback", report(channel="zalo"))  # another channel's id space
    assert other.status_code == 201 and count(site.engine, schema.feedback) == 2


def test_a_report_outside_the_province_is_accepted_and_marked(api, site):
    created = api.post("/feedback", report(position=SAIGON, unit_code="689")).json()
    assert (created["outside_province"], created["unit_code"]) == (True, "689")
    assert reports(site.engine)[0]["outside_province"] is True


def test_a_report_without_a_place_takes_its_unit_and_one_with_neither_has_none(api):
    body = report(channel_ref="web-1", channel="web")
    del body["position"]
    assert api.post("/feedback", {**body, "unit_code": "25195"}).json()["unit_code"] == "25195"
    assert api.post("/feedback", {**body, "channel_ref": "web-2"}).json()["unit_code"] is None


def test_a_bad_key_or_no_key_is_refused_and_nothing_is_stored(api, site):
    for headers, status in (({}, 401), ({"Authorization": "Bearer ioca_not-a-key"}, 401),
                            ({"Authorization": f"Bearer {api.handle_key}"}, 403)):
        response = requests.post(api.url + "/feedback", json=report(), headers=headers, timeout=TIMEOUT)
        assert response.status_code == status
    assert count(site.engine, schema.feedback) == 0


REFUSALS = [
    pytest.param({"title": None}, 422, "title", "Input should be a valid string", id="null title"),
    pytest.param({"category": "ufo"}, 422, "category", "unknown category 'ufo'; known: roads, ", id="unknown category"),
    pytest.param({"unit_code": "99999"}, 422, "unit_code", "unknown unit '99999'", id="unknown unit"),
    pytest.param({"channel": "fax"}, 422, "channel", "Input should be 'app', 'hotline', 'web', 'zalo' or 'email'",
                 id="unknown channel"),
    pytest.param({"position": {"lon": "106.8", "lat": 11.5}}, 422, "position.lon", "Input should be a valid number",
                 id="number as text"),
    pytest.param({"position": {"lon": 200, "lat": 11.5}}, 422, "position.lon",
                 "Input should be less than or equal to 180", id="longitude out of range"),
    pytest.param({"title": "x" * 301}, 422, "title", "String should have at most 300 characters", id="oversized title"),
    pytest.param({"description": "y" * 5001}, 422, "description", "String should have at most 5000 characters",
                 id="oversized description"),
    pytest.param({"reporter": {"phone": "call me"}}, 422, "reporter.phone", "String should match pattern",
                 id="bad phone"),
    pytest.param({"attachments": ["javascript:alert(1)"]}, 422, "attachments.0", "String should match pattern",
                 id="script link"),
    pytest.param({"title": "a\u0000b"}, 422, "title", "String should match pattern", id="NUL in text"),
    pytest.param({"title": " \t "}, 422, "title", "String should match pattern", id="blank title"),
    pytest.param({"description": "\n"}, 422, "description", "String should match pattern", id="blank description"),
    pytest.param({"priority": "high"}, 422, "priority", "Extra inputs are not permitted", id="unknown field"),
]


@pytest.mark.parametrize(("change", "status", "field", "message"), REFUSALS)
def test_a_wrong_field_is_refused_with_its_name_kept_as_rejected_input_and_nothing_stored(
        api, site, change, status, field, message):
    response = api.post("/feedback", report(**change))
    assert response.status_code == status, response.text
    body = response.json()
    assert [item["field"] for item in body["fields"]] == [field]
    assert body["fields"][0]["message"].startswith(message)
    assert body["error"].startswith(f"{field}: ")
    assert count(site.engine, schema.feedback) == 0
    with site.engine.connect() as connection:
        [kept] = [dict(row) for row in connection.execute(schema.rejected_inputs.select()).mappings()]
    assert (kept["source"], kept["reason"]) == ("feedback_api", "invalid")
    assert kept["detail"].startswith(f"apikey:hue-s-app: {field}: ")


def test_missing_fields_are_each_named(api, site):
    response = api.post("/feedback", {"channel": "app"})
    assert response.status_code == 422
    assert sorted(item["field"] for item in response.json()["fields"]) == [
        "category", "channel_ref", "description", "title"]
    assert all(item["message"] == "Field required" for item in response.json()["fields"])


def test_a_body_that_is_not_json_or_not_an_object_is_refused(api, site):
    headers = {"Authorization": f"Bearer {api.write_key}", "Content-Type": "application/json"}
    broken = requests.post(api.url + "/feedback", data=b'{"title": ', headers=headers, timeout=TIMEOUT)
    assert broken.status_code == 400 and broken.json()["fields"] == [{"field": "(body)", "message": "not valid JSON"}]
    listed = api.post("/feedback", [report()])
    assert listed.status_code == 422 and listed.json()["fields"][0]["field"] == "(body)"
    form = requests.post(api.url + "/feedback", data={"title": "x"}, timeout=TIMEOUT,
                         headers={"Authorization": f"Bearer {api.write_key}"})
    assert form.status_code == 415
    huge = api.post("/feedback", report(description="z" * 70_000))
    assert huge.status_code == 413
    assert count(site.engine, schema.feedback) == 0


def test_html_and_script_in_text_fields_are_stored_and_answered_as_text(api, site):
    title = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    created = api.post("/feedback", report(title=title, description="<b>đậm</b> & ' \"")).json()
    [stored] = reports(site.engine)
    assert (stored["title"], stored["description"]) == (title, "<b>đậm</b> & ' \"")
    status = api.get(f"/feedback/{created['tracking_code']}")
    assert status.headers["Content-Type"] == "application/json"
    assert status.headers["X-Content-Type-Options"] == "nosniff"
    assert status.json()["title"] == title


def test_the_public_status_holds_no_personal_data(api):
    code = api.post("/feedback", report()).json()["tracking_code"]
    response = api.get(f"/feedback/{code}")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["unit_code"], body["overdue"]) == ("received", "689", False)
    for secret in ("Nguyễn Văn An", "0912 345 678", "345", "nguyenvanan", "106.8472", "hue-s-000123"):
        assert secret not in response.text
    assert api.get("/feedback/PA-00000-00000").status_code == 404


def test_staff_take_a_report_through_the_workflow_and_each_step_is_recorded(api, site):
    code = api.post("/feedback", report()).json()["tracking_code"]
    steps = [{"to": "accepted", "note": "đúng thẩm quyền"}, {"to": "assigned", "agency": "Sở Giao thông vận tải"},
             {"to": "in_progress", "note": "đã cử đội sửa chữa"},
             {"to": "answered", "reply": "Đã vá ổ gà ngày 25/11/2026. Cảm ơn ông An."},
             {"to": "closed", "rating": 5}]
    for step in steps:
        response = api.step(code, **step)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == step["to"]
    public = api.get(f"/feedback/{code}").json()
    assert (public["reply"], public["agency"], public["rating"]) == (
        "Đã vá ổ gà ngày 25/11/2026. Cảm ơn ông An.", "Sở Giao thông vận tải", 5)
    assert public["answered_at"] is not None and public["closed_at"] is not None
    with site.engine.connect() as connection:
        events = [dict(row) for row in connection.execute(schema.feedback_events.select().order_by(
            schema.feedback_events.c.id)).mappings()]
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in events[1:]] == [
        ("received", "accepted", "apikey:so-gtvt"), ("accepted", "assigned", "apikey:so-gtvt"),
        ("assigned", "in_progress", "apikey:so-gtvt"), ("in_progress", "answered", "apikey:so-gtvt"),
        ("answered", "closed", "apikey:so-gtvt")]
    assert [e["note"] for e in events[1:4]] == ["đúng thẩm quyền", "Sở Giao thông vận tải", "đã cử đội sửa chữa"]


def test_a_rejection_needs_a_reason_and_a_wrong_step_is_refused_naming_why(api, site):
    code = api.post("/feedback", report()).json()["tracking_code"]
    no_reason = api.step(code, to="rejected")
    assert no_reason.status_code == 422 and no_reason.json()["fields"] == [
        {"field": "reason", "message": "a rejection needs a reason"}]
    skipped = api.step(code, to="answered", reply="xong")
    assert skipped.status_code == 409
    assert skipped.json()["error"] == "to: cannot go from received to answered; allowed: accepted, rejected"
    rejected = api.step(code, to="rejected", reason="Không thuộc địa bàn tỉnh")
    assert rejected.json()["reject_reason"] == "Không thuộc địa bàn tỉnh"
    assert api.step(code, to="accepted").status_code == 409
    assert api.step("PA-00000-00000", to="accepted").status_code == 404


def test_transitions_are_refused_to_anonymous_viewer_kiosk_and_wrong_scope_and_nothing_changes(api, site, accounts):
    code = api.post("/feedback", report()).json()["tracking_code"]
    url = f"{api.url}/feedback/{code}/transitions"
    viewer = sign_in(site.url, "viewer", accounts["viewer"])
    operator = sign_in(site.url, "operator", accounts["operator"])
    display = as_kiosk(site.url, kiosk.create(site.engine, "hall-wall", "test"))
    before = dump(site.engine)
    for name, client, headers, status in (
            ("anonymous", requests.Session(), {}, 401), ("viewer", viewer, {}, 401), ("kiosk", display, {}, 401),
            ("operator's cookie", operator, {}, 401),
            ("intake key", requests.Session(), {"Authorization": f"Bearer {api.write_key}"}, 403)):
        response = client.post(url, json={"to": "accepted"}, headers=headers, timeout=TIMEOUT)
        assert response.status_code == status, name
    after = dump(site.engine)
    assert after["feedback"] == before["feedback"] and after["feedback_events"] == before["feedback_events"]


def test_each_key_has_its_own_rate_limit(api, site):
    from ioc.auth import apikeys

    slow = apikeys.create(site.engine, "zalo-oa", ["feedback:write"], "test", rate_limit="2/minute")
    answers = [api.post("/feedback", report(channel="zalo", channel_ref=f"z-{n}"), key=slow).status_code
               for n in range(3)]
    assert answers == [201, 201, 429]
    assert api.post("/feedback", report(channel_ref="other")).status_code == 201
    assert count(site.engine, schema.feedback) == 3


def test_the_openapi_document_is_served_to_key_holders(api):
    assert requests.get(api.url + "/openapi.json", timeout=TIMEOUT).status_code == 401
    document = api.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/feedback", "/api/v1/feedback/{tracking_code}", "/api/v1/feedback/{tracking_code}/transitions",
            "/api/v1/openapi.json"} <= set(document["paths"])  # with the rest of the machine API
    schema_ = document["components"]["schemas"]["ReportIn"]
    assert schema_["properties"]["category"]["enum"][:2] == ["roads", "environment"]
    assert len(schema_["properties"]["unit_code"]["enum"]) == 123


def test_the_same_report_sent_many_times_at_once_is_stored_once(api, site):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _n: api.post("/feedback", report()), range(8)))
    assert sorted(answer.status_code for answer in answers) == [200] * 7 + [201]
    assert len({answer.json()["tracking_code"] for answer in answers}) == 1
    assert count(site.engine, schema.feedback) == 1 and count(site.engine, schema.feedback_events) == 1
