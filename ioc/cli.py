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
    for chatty in ("alembic", "transitions", "httpx", "amqtt"):  # a line per request or state change otherwise
        logging.getLogger(chatty).setLevel(logging.DEBUG if verbose else logging.WARNING)
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
    from ioc.alerts.service import AlertService
    from ioc.runtime import run_services
    from ioc.scheduler import CollectorService

    settings = _settings(ctx)
    engine = _prepare_store(settings)
    alert_engine = [AlertService(settings, engine)] if settings.alerts.engine_enabled else []
    run_services([CollectorService(settings, Secrets(), engine), *alert_engine])


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
    from collectors.feedback_simulator import FeedbackSimulator
    from collectors.portal_simulator import demo_simulator
    from collectors.sensor_simulator import SensorSimulator
    from ioc.alerts.service import AlertService
    from ioc.broker import EmbeddedBroker
    from ioc.runtime import run_services
    from ioc.scheduler import CollectorService
    from ioc.web.server import serve_forever

    settings = _settings(ctx)
    engine = _prepare_store(settings)
    _create_demo_users(engine)
    portal = demo_simulator(settings, Secrets())
    services = [
        EmbeddedBroker(settings.mqtt.host, settings.mqtt.port),
        SensorSimulator(settings, Secrets()),
        *([portal] if portal else []),
        CollectorService(settings, Secrets(), engine),
        AlertService(settings, engine),
        FeedbackSimulator(settings, engine, f"http://{settings.web.host}:{settings.web.port}"),
    ]
    run_services(services, foreground=lambda: serve_forever(settings, engine))


@main.command("simulate-sensors")
@click.option("--rate", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
              help="Readings a second to publish.")
@click.option("--seed", type=int, default=None, help="Seed of the random source, for a repeatable run.")
@click.pass_context
def simulate_sensors(ctx: click.Context, rate: float, seed: int | None) -> None:
    """Publish simulated readings of every registered sensor to the configured broker (docs/sensors.md)."""
    from collectors.sensor_simulator import SensorSimulator
    from ioc.runtime import run_services

    run_services([SensorSimulator(_settings(ctx), Secrets(), rate=rate, seed=seed)])


@main.command("simulate-portal")
@click.pass_context
def simulate_portal(ctx: click.Context) -> None:
    """Serve the simulated portal where the portal collector looks for it (collectors.portal.base_url), with
    collectors.portal.history_days of history and the token from IOC_PORTAL_TOKEN (docs/portal-contract.md)."""
    from collectors.portal_simulator import demo_simulator
    from ioc.runtime import run_services

    portal = demo_simulator(_settings(ctx), Secrets())
    if portal is None:
        _refuse("collectors.portal is not configured or not enabled: there is no address to serve")
    run_services([portal])


@main.command("simulate-feedback")
@click.option("--url", help="Address of the IOC's web app (default: from web.host/port).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
              help="Mean seconds between two new reports.")
@click.option("--history-days", type=click.IntRange(min=0), default=60, show_default=True,
              help="Days of past reports written once into the store first (0: none).")
@click.option("--seed", type=int, default=None, help="Seed of the random source, for a repeatable run.")
@click.pass_context
def simulate_feedback(ctx: click.Context, url: str | None, interval: float, history_days: int,
                      seed: int | None) -> None:
    """Post simulated citizen reports through the intake API with a key of their own, and move them through
    the workflow (docs/feedback.md). The key is made in the store; it replaces the simulator's last one."""
    from collectors.feedback_simulator import FeedbackSimulator
    from ioc.runtime import run_services

    settings = _settings(ctx)
    url = url or f"http://{settings.web.host}:{settings.web.port}"
    run_services([FeedbackSimulator(settings, _prepare_store(settings), url, history_days=history_days,
                                    interval_seconds=interval, seed=seed)])


def _create_demo_users(engine) -> None:
    """One user per role, named after it; their random passwords are printed this once and never again."""
    from ioc.auth.accounts import ensure_demo_users

    created = ensure_demo_users(engine, _cli_actor())
    if created:
        click.echo("Demo users (passwords shown only now):")
        for name, password in created.items():
            click.echo(f"  {name:<9} {password}")


# --- People, wall displays and machines (docs/security.md) -------------------------------------------------

def _cli_actor() -> str:
    """How the audit trail names whoever runs the command line."""
    import getpass

    return f"cli:{getpass.getuser()}"


def _read_password(from_stdin: bool) -> str:
    """A new password from a hidden, confirmed prompt, or the first line of stdin; never from argv."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _refuse(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@main.group()
def user() -> None:
    """People who sign in: viewer, analyst, operator or admin."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["viewer", "analyst", "operator", "admin"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin instead of a prompt.")
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add user NAME with ROLE."""
    from ioc.auth.accounts import AccountError, add_user
    from ioc.auth.passwords import PasswordError

    engine = _prepare_store(_settings(ctx))
    try:
        add_user(engine, name, role, _read_password(password_stdin), _cli_actor())
    except (AccountError, PasswordError) as exc:
        _refuse(str(exc))
    click.echo(f"added {name} ({role})")


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin instead of a prompt.")
@click.pass_context
def user_passwd(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password for NAME; the user's open sessions end."""
    from ioc.auth.accounts import AccountError, set_password
    from ioc.auth.passwords import PasswordError

    engine = _prepare_store(_settings(ctx))
    try:
        set_password(engine, name, _read_password(password_stdin), _cli_actor())
    except (AccountError, PasswordError) as exc:
        _refuse(str(exc))
    click.echo(f"password of {name} changed")


@user.command("disable")
@click.argument("name")
@click.pass_context
def user_disable(ctx: click.Context, name: str) -> None:
    """Stop NAME from signing in; the user's open sessions end."""
    from ioc.auth.accounts import AccountError, disable_user

    engine = _prepare_store(_settings(ctx))
    try:
        disable_user(engine, name, _cli_actor())
    except AccountError as exc:
        _refuse(str(exc))
    click.echo(f"disabled {name}")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List users, their roles and whether they are disabled."""
    from ioc.auth.accounts import users

    for row in users(_prepare_store(_settings(ctx))):
        click.echo(f"{row['username']:<24} {row['role']:<9} {'disabled' if row['disabled'] else 'active'}")


@main.group()
def kiosk() -> None:
    """Read-only tokens for named wall displays."""


@kiosk.command("create")
@click.argument("name")
@click.option("--base-url", help="Address of the IOC as the display sees it (default: from web.host/port).")
@click.pass_context
def kiosk_create(ctx: click.Context, name: str, base_url: str | None) -> None:
    """Issue a token for wall display NAME and print its kiosk URL (shown once)."""
    from ioc.auth import kiosk as kiosks
    from ioc.auth.credentials import CredentialError

    settings = _settings(ctx)
    try:
        token = kiosks.create(_prepare_store(settings), name, _cli_actor())
    except CredentialError as exc:
        _refuse(str(exc))
    base_url = (base_url or f"http://{settings.web.host}:{settings.web.port}").rstrip("/")
    click.echo(f"Kiosk URL for {name} (shown only now; open it once on the display):")
    click.echo(f"  {base_url}/kiosk/{token}")


@kiosk.command("revoke")
@click.argument("name")
@click.pass_context
def kiosk_revoke(ctx: click.Context, name: str) -> None:
    """Revoke the token of wall display NAME; the display loses access at its next refresh."""
    from ioc.auth import kiosk as kiosks
    from ioc.auth.credentials import CredentialError

    try:
        kiosks.revoke(_prepare_store(_settings(ctx)), name, _cli_actor())
    except CredentialError as exc:
        _refuse(str(exc))
    click.echo(f"revoked kiosk {name}")


@kiosk.command("list")
@click.pass_context
def kiosk_list(ctx: click.Context) -> None:
    """List wall display tokens (never the tokens themselves)."""
    from ioc.auth import kiosk as kiosks

    for row in kiosks.tokens(_prepare_store(_settings(ctx))):
        state = f"revoked {row['revoked_at']:%Y-%m-%d %H:%M}Z" if row["revoked_at"] else "active"
        click.echo(f"{row['name']:<24} {state:<26} created {row['created_at']:%Y-%m-%d %H:%M}Z by {row['created_by']}")


@main.group()
def apikey() -> None:
    """API keys for machine clients such as feedback channels."""


@apikey.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True, help="A scope, e.g. feedback:write (repeatable).")
@click.option("--rate-limit", default="60/minute", show_default=True, help="Requests allowed for this key.")
@click.pass_context
def apikey_create(ctx: click.Context, name: str, scopes: tuple[str, ...], rate_limit: str) -> None:
    """Issue an API key for client NAME and print it (shown once; only its hash is kept)."""
    from ioc.auth import apikeys
    from ioc.auth.credentials import CredentialError

    try:
        key = apikeys.create(_prepare_store(_settings(ctx)), name, list(scopes), _cli_actor(), rate_limit)
    except CredentialError as exc:
        _refuse(str(exc))
    click.echo(f"API key for {name} (shown only now; send it as 'Authorization: Bearer <key>'):")
    click.echo(f"  {key}")


@apikey.command("revoke")
@click.argument("name")
@click.pass_context
def apikey_revoke(ctx: click.Context, name: str) -> None:
    """Revoke the API key of client NAME."""
    from ioc.auth import apikeys
    from ioc.auth.credentials import CredentialError

    try:
        apikeys.revoke(_prepare_store(_settings(ctx)), name, _cli_actor())
    except CredentialError as exc:
        _refuse(str(exc))
    click.echo(f"revoked API key {name}")


@apikey.command("list")
@click.pass_context
def apikey_list(ctx: click.Context) -> None:
    """List API keys with their scopes and limits (never the keys themselves)."""
    from ioc.auth import apikeys

    for row in apikeys.keys(_prepare_store(_settings(ctx))):
        state = f"revoked {row['revoked_at']:%Y-%m-%d %H:%M}Z" if row["revoked_at"] else "active"
        click.echo(f"{row['name']:<24} {row['scopes']:<20} {row['rate_limit']:<12} {state}")


# --- Importing report files (docs/portal-contract.md#report-import) ----------------------------------------

@main.group("import")
def import_() -> None:
    """Import report files exported from other systems."""


@import_.command("portal")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_portal(ctx: click.Context, file: Path) -> None:
    """Import a portal statistics report FILE (CSV or XLSX); a file with any error imports nothing."""
    from ioc.portal_import import import_portal_file

    settings = _settings(ctx)
    engine = _prepare_store(settings)
    rows = _checked_import(file, lambda progress: import_portal_file(
        engine, file, settings.portal_import.columns, progress=progress,
        max_bytes=settings.portal_import.max_file_bytes))
    click.echo(f"{file}: {rows} rows imported")


def _checked_import(file: Path, run):
    """Run an import with a progress bar of the rows checked; a file with errors is refused with them all."""
    from rich.progress import Progress

    from ioc.portal_import import ImportFileError

    with Progress(transient=True) as progress:
        task = progress.add_task(f"Checking {file.name}", total=None)
        try:
            return run(lambda done, total: progress.update(task, completed=done, total=total))
        except ImportFileError as exc:
            progress.stop()
            _refuse(str(exc))


@import_.command("feedback")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_feedback(ctx: click.Context, file: Path) -> None:
    """Import a feedback export FILE (CSV or XLSX, docs/feedback.md#import); a file with any error imports nothing."""
    from ioc.feedback.importer import import_feedback_file

    settings = _settings(ctx)
    engine = _prepare_store(settings)
    new, known = _checked_import(file, lambda progress: import_feedback_file(
        engine, settings, file, f"import:{file.name}"[:100], progress=progress))
    click.echo(f"{file}: {new} reports imported, {known} already there")


# --- Alerts (docs/alerts.md) ---------------------------------------------------------------------------------

@main.group()
def alerts() -> None:
    """Alert rules and the alarm-load report."""


@alerts.command("report")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="Vietnam calendar day (default: today).")
@click.pass_context
def alerts_report(ctx: click.Context, day) -> None:
    """Print the ISA-18.2 alarm-load measures of DAY: raised, per 10 minutes, floods, chattering, stale."""
    from ioc.alerts.load_report import day_report
    from ioc.timeutil import local_day, utcnow

    now = utcnow()
    day = day.date() if day else local_day(now)
    with _prepare_store(_settings(ctx)).connect() as connection:
        report = day_report(connection, day, now)
    click.echo(f"day                 {report.day.isoformat()}")
    click.echo(f"raised              {report.raised}")
    click.echo(f"per 10 minutes      {report.per_10_minutes:g} (peak {report.peak_10_minutes})")
    click.echo(f"floods (>10/10 min) {len(report.floods)} ({report.alerts_in_floods} alerts)")
    for start in report.floods:
        click.echo(f"  from {start:%H:%M}Z")
    click.echo(f"chattering          {len(report.chattering)}")
    for rule_id, target in report.chattering:
        click.echo(f"  {rule_id} {target}")
    click.echo(f"stale (> 24 h)      {len(report.stale)}")
    if report.stale:
        click.echo("  alerts " + ", ".join(str(alert_id) for alert_id in report.stale))
