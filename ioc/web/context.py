"""What a request needs from the running IOC: the settings and the store, kept on the Flask app, not globally."""

from dataclasses import dataclass

import flask
from sqlalchemy import Engine

from ioc.config import Settings
from ioc.i18n import LANGUAGES

LANGUAGE_COOKIE = "ioc_lang"


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    engine: Engine


def install(server: flask.Flask, context: AppContext) -> None:
    server.extensions["ioc"] = context


def current() -> AppContext:
    return flask.current_app.extensions["ioc"]


def current_language() -> str:
    """The visitor's chosen language (a cookie set by /language/<code>), else the configured default."""
    chosen = flask.request.cookies.get(LANGUAGE_COOKIE) if flask.has_request_context() else None
    return chosen if chosen in LANGUAGES else current().settings.web.default_language
