"""The ``ioc`` command."""

import logging
import sys
from pathlib import Path

import click

from ioc.config import DEFAULT_CONFIG_FILE, ConfigError, Secrets, Settings, load_settings

EXIT_CONFIG_ERROR = 2


def _settings(ctx: click.Context) -> Settings:
    try:
        settings = load_settings(ctx.obj["config"])
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_CONFIG_ERROR)
    return settings


def _engine(settings: Settings):
    from ioc.store.engine import open_engine

    return open_engine(settings.store_url(Secrets()), echo=settings.store.echo_sql)


def _prepare_store(settings: Settings):
    """Migrate the store to the current schema and load the shipped reference data."""
    from ioc.reference import load_reference_data
    from ioc.store.migrate import upgrade

    engine = _engine(settings)
    upgrade(engine)
    load_reference_data(engine, settings)
    return engine


@click.group()
@click.option("-c", "--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_CONFIG_FILE, envvar="IOC_CONFIG", show_default=True,
              help="Configuration file (or IOC_CONFIG).")
@click.option("-v", "--verbose", is_flag=True, help="Log debugging detail.")
@click.pass_context
def main(ctx: click.Context, config: Path, verbose: bool) -> None:
    """ioc: the Intelligent Operations Centre of a province."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    ctx.obj = {"config": config}


@main.command("check-config")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def check_config(ctx: click.Context, file: Path | None) -> None:
    """Validate FILE (default: the --config file); print every wrong field and exit 2 if any."""
    if file is not None:
        ctx.obj["config"] = file
    _settings(ctx)
    click.echo(f"{ctx.obj['config']}: OK")


@main.command("config-reference")
@click.option("--write", "document", type=click.Path(dir_okay=False, path_type=Path),
              help="Rewrite the generated block of this Markdown file instead of printing.")
def config_reference(document: Path | None) -> None:
    """Print the reference of every setting, generated from the configuration models."""
    from ioc import config_reference as reference

    if document is None:
        click.echo(reference.render())
    else:
        click.echo(f"{document}: {'updated' if reference.update(document) else 'up to date'}")


@main.group()
def db() -> None:
    """The store's schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the store's tables and load the reference data."""
    from ioc.store.migrate import current_revisions

    engine = _prepare_store(_settings(ctx))
    click.echo(f"store at revision {', '.join(sorted(current_revisions(engine)))}")


@main.command()
@click.pass_context
def collect(ctx: click.Context) -> None:
    """Run the scheduler and the collectors (no web server)."""
    from ioc.runtime import run_services
    from ioc.scheduler import CollectorService

    settings = _settings(ctx)
    engine = _prepare_store(settings)
    run_services([CollectorService(settings, Secrets(), engine)])


@main.command()
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Run the web server only. In production, prefer several workers: gunicorn 'ioc.web.wsgi:application()'."""
    from ioc.runtime import run_services
    from ioc.web.server import serve_forever

    settings = _settings(ctx)
    engine = _engine(settings)
    run_services([], foreground=lambda: serve_forever(settings, engine))


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Everything in one process on embedded defaults: store, MQTT broker, collectors, simulators, web."""
    from ioc.broker import EmbeddedBroker
    from ioc.runtime import run_services
    from ioc.scheduler import CollectorService
    from ioc.web.server import serve_forever

    settings = _settings(ctx)
    engine = _prepare_store(settings)
    services = [
        EmbeddedBroker(settings.mqtt.host, settings.mqtt.port),
        CollectorService(settings, Secrets(), engine),
    ]
    run_services(services, foreground=lambda: serve_forever(settings, engine))
