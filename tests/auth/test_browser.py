"""In a real browser: sign in, see the province, revoke a display's token from the admin page, sign out."""

import pytest

from ioc.auth import kiosk

pytestmark = pytest.mark.browser
WAIT_MS = 30_000


def sign_in_with_the_form(page, url: str, username: str, password: str) -> None:
    response = page.goto(url + "/")
    assert response.status == 401
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.console_errors.clear()  # Chromium reports the 401 of the sign-in page itself as a console error


def test_an_admin_signs_in_revokes_a_display_token_and_signs_out(site, accounts, page):
    kiosk.create(site.engine, "lobby-wall", "test")
    sign_in_with_the_form(page, site.url, "admin", accounts["admin"])
    page.get_by_text("Tổng quan tỉnh").wait_for(timeout=WAIT_MS)
    assert page.get_by_text("admin · Quản trị").is_visible()

    page.get_by_role("link", name="Quản trị").click()
    page.get_by_text("Mã màn hình trình chiếu").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Thu hồi").click()  # a Dash callback: it must carry the CSRF token
    page.get_by_text("Đã thu hồi “lobby-wall”.").wait_for(timeout=WAIT_MS)
    assert kiosk.tokens(site.engine)[0]["revoked_at"] is not None

    assert page.console_errors == [] and page.outside_requests == []

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(site.url + "/login", timeout=WAIT_MS)
    assert page.goto(site.url + "/").status == 401


def test_a_viewer_is_shown_a_refusal_for_the_admin_page(site, accounts, page):
    sign_in_with_the_form(page, site.url, "viewer", accounts["viewer"])
    page.get_by_text("Tổng quan tỉnh").wait_for(timeout=WAIT_MS)
    assert page.get_by_role("link", name="Quản trị").count() == 0
    response = page.goto(site.url + "/admin")
    assert response.status == 403
    assert page.get_by_text("Tài khoản của bạn không có quyền xem trang này.").is_visible()


def test_a_wall_display_opens_from_its_kiosk_url_and_closes_when_revoked(site, page):
    token = kiosk.create(site.engine, "phong-hop-1", "test")
    page.goto(f"{site.url}/kiosk/{token}")
    page.get_by_text("Toàn cảnh tỉnh").wait_for(timeout=WAIT_MS)
    assert page.url == site.url + "/wall"
    kiosk.revoke(site.engine, "phong-hop-1", "test")
    # Move within the app as a link does, so that Dash's router posts its next callback: refused, it reloads.
    page.evaluate("() => { window.history.pushState({}, '', '/?next'); "
                  "window.dispatchEvent(new PopStateEvent('popstate')); }")
    page.get_by_text("Mã màn hình này không hợp lệ hoặc đã bị thu hồi.").wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Toàn cảnh tỉnh").count() == 0
