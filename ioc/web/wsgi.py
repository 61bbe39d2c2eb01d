"""WSGI entry for production servers, e.g. ``gunicorn -w 4 'ioc.web.wsgi:application()'``.

The config file is named by IOC_CONFIG (default ./config.yaml). Each worker opens its own store engine; the
web process keeps no state of its own, so any number of workers can serve the same store.
"""

import os

from ioc.config import Secrets, load_settings
from ioc.store.engine import open_engine
from ioc.web.app import create_app
from ioc.web.server import freeze_start_up_objects


def application():
    settings = load_settings(os.environ.get("IOC_CONFIG", "config.yaml"))
    engine = open_engine(settings.store_url(Secrets()), echo=settings.store.echo_sql)
    server = create_app(settings, engine).server
    freeze_start_up_objects()
    return server
