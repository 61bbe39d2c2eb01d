"""Serving the web app in-process with waitress (threads), for the demo and single-machine installs."""

from waitress import create_server

from ioc.web.app import create_app

WEB_THREADS = 8


def serve_forever(settings, engine) -> None:
    server = create_server(create_app(settings, engine).server, host=settings.web.host,
                           port=settings.web.port, threads=WEB_THREADS, ident="")
    print(f"IOC: http://{settings.web.host}:{settings.web.port}/", flush=True)
    server.run()
