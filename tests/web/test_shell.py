"""The web shell over real HTTP and in a real browser: Vietnamese first, English by switch, nothing from outside."""

import base64
import hashlib
import re

import pytest
import requests


def test_the_index_loads_no_script_or_stylesheet_from_another_host(kiosk_url):
    html = requests.get(kiosk_url, timeout=10).text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page references no assets at all"
    outside = [url for url in sources if re.match(r"(https?:)?//", url)]
    assert outside == []


def test_the_language_switch_sets_a_cookie_and_returns_to_the_page(live_server):
    session = requests.Session()
    response = session.get(live_server + "/language/en", headers={"Referer": live_server + "/?x=1"},
                           allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == "/?x=1"
    cookie = next(c for c in session.cookies if c.name == "ioc_lang")
    assert cookie.value == "en"
    assert cookie.has_nonstandard_attr("HttpOnly")


def test_the_language_switch_is_no_open_redirect(live_server):
    response = requests.get(live_server + "/language/vi", headers={"Referer": "https://evil.example/phish"},
                            allow_redirects=False, timeout=10)
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_not_found(live_server):
    assert requests.get(live_server + "/language/fr", timeout=10).status_code == 404


@pytest.mark.browser
def test_the_overview_renders_in_vietnamese_with_the_map_and_its_attribution(kiosk_url, live_server, page):
    page.goto(kiosk_url)
    page.goto(live_server + "/")
    page.wait_for_selector(".ioc-stat-value")
    page.wait_for_selector("#overview-map .main-svg")
    assert page.locator("h1").inner_text() == "Tổng quan tỉnh"
    assert page.locator(".ioc-stat-value").all_inner_texts() == ["11", "111", "6.877,5"]
    assert "gis.chinhphu.vn" in page.locator(".ioc-attribution").inner_text()
    assert page.locator("html > body div[lang='vi']").count() == 1
    assert page.console_errors == []
    assert page.outside_requests == []


@pytest.mark.browser
def test_switching_to_english_translates_the_shell_and_the_page(kiosk_url, live_server, page):
    page.goto(kiosk_url)
    page.goto(live_server + "/")
    page.wait_for_selector(".ioc-stat-value")
    page.click("a[lang='en']")
    page.wait_for_selector("text=Province overview")
    assert page.locator(".ioc-title").inner_text() == "Intelligent Operations Centre"
    assert page.locator(".ioc-stat-value").all_inner_texts() == ["11", "111", "6,877.5"]
    assert page.console_errors == []


def test_every_inline_script_of_the_index_is_allowed_by_its_hash_and_no_other(kiosk_url):
    session = requests.Session()
    response = session.get(kiosk_url, timeout=10)
    index = session.get(response.url, timeout=10)
    policy = dict(directive.split(" ", 1) for directive in index.headers["Content-Security-Policy"].split("; "))
    html = re.sub(r"<!--.*?-->", "", index.text, flags=re.S)  # an old browser's warning, in a comment
    inline = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>(.*?)</script>", html,
                        flags=re.S)
    digests = {"'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
               for script in inline}
    assert inline, "Dash's index has its config and renderer scripts inline"
    assert set(policy["script-src"].split()) == {"'self'", *digests}
