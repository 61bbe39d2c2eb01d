"""The navigation shell around every page: title, page links, language switch."""

import dash
import flask
from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from ioc.auth.guard import current_principal, page_permission
from ioc.i18n import LANGUAGES, text
from ioc.web.context import current, current_language

NO_ANSWER = "ioc-no-answer"
"""The notice shown when the server did not answer a callback (ioc/web/assets/session.js shows and hides it)."""
REREAD = "ioc-reread"
"""Set by session.js after a callback got no answer: pages whose data may have changed read it again on it."""
NAVIGATION = [("nav.overview", "/"), ("nav.wall", "/wall"), ("nav.analytics", "/analytics"),
              ("nav.sensors", "/sensors"), ("nav.alerts", "/alerts"), ("nav.feedback", "/feedback"),
              ("nav.health", "/health"), ("nav.admin", "/admin")]


def shell() -> html.Div:
    """The app's layout, rebuilt on every page load so that it speaks the visitor's language."""
    language = current_language()
    province = current().settings.province.name
    principal = current_principal() if flask.has_request_context() else None
    return html.Div(
        [
            dcc.Location(id="url"),
            html.Header(
                [
                    html.Div(
                        [
                            html.Span(text("app.title", language), className="ioc-title"),
                            html.Span(text("app.province", language, name=province), className="ioc-province"),
                        ],
                        className="ioc-brand",
                    ),
                    html.Nav(
                        [dcc.Link(text(key, language), href=path, className="ioc-nav-link")
                         for key, path in NAVIGATION
                         if principal and principal.can(page_permission(path))],
                        className="ioc-nav",
                    ),
                    html.Div(
                        [
                            html.A(text(f"language.{code}", code), href=f"/language/{code}",
                                   className="ioc-lang" + (" ioc-lang-active" if code == language else ""),
                                   lang=code, id={"type": "language-link", "code": code})
                            for code in LANGUAGES
                        ],
                        className="ioc-langs",
                        title=text("nav.language", language),
                    ),
                    _account(principal, language),
                ],
                className="ioc-header",
            ),
            html.P(text("shell.no_answer", language), id=NO_ANSWER, role="alert", hidden=True,
                   className="ioc-no-answer"),
            dcc.Store(id=REREAD),
            html.Main(dash.page_container, className="ioc-main"),
        ],
        lang=language,
    )


def _account(principal, language: str) -> html.Div | None:
    """Who is signed in, and the sign-out button (a form POST carrying the CSRF token)."""
    if principal is None:
        return None
    role = text(f"role.{principal.role if principal.kind == 'user' else 'kiosk'}", language)
    children = [html.Span(f"{principal.name} · {role}", className="ioc-account-name")]
    if principal.kind == "user":
        children.append(html.Form(
            [dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
             html.Button(text("signin.sign_out", language), type="submit", className="ioc-sign-out")],
            method="POST", action="/logout",
        ))
    return html.Div(children, className="ioc-account")
