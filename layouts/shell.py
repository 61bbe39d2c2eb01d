"""The navigation shell around every page: title, page links, language switch."""

import dash
from dash import dcc, html

from ioc.i18n import LANGUAGES, text
from ioc.web.context import current, current_language

NAVIGATION = [("nav.overview", "/")]


def shell() -> html.Div:
    """The app's layout, rebuilt on every page load so that it speaks the visitor's language."""
    language = current_language()
    province = current().settings.province.name
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
                         for key, path in NAVIGATION],
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
                ],
                className="ioc-header",
            ),
            html.Main(dash.page_container, className="ioc-main"),
        ],
        lang=language,
    )
