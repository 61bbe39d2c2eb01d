"""The SQL of sign-in: users, sessions, kiosk tokens, API keys and the audit trail.

Tokens reach this module only as their SHA-256 digests (``ioc.auth.tokens.digest``): nothing here ever sees
or stores a secret.
"""

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from ioc.store import schema


def add_user(connection: Connection, username: str, password_hash: str, role: str, at: datetime) -> int:
    result = connection.execute(insert(schema.users).values(
        username=username, password_hash=password_hash, role=role, disabled=False, created_at=at))
    return result.inserted_primary_key[0]


def user_by_name(connection: Connection, username: str) -> dict | None:
    row = connection.execute(select(schema.users).where(schema.users.c.username == username)).mappings().first()
    return dict(row) if row else None


def users(connection: Connection) -> list[dict]:
    query = select(schema.users.c.id, schema.users.c.username, schema.users.c.role, schema.users.c.disabled,
                   schema.users.c.created_at).order_by(schema.users.c.username)
    return [dict(row) for row in connection.execute(query).mappings()]


def update_user(connection: Connection, user_id: int, **values) -> None:
    """Change ``password_hash`` or ``disabled`` of a user."""
    connection.execute(update(schema.users).where(schema.users.c.id == user_id).values(**values))


def add_session(connection: Connection, token_hash: str, user_id: int, at: datetime, expires_at: datetime,
                address: str | None) -> None:
    connection.execute(insert(schema.sessions).values(
        token_hash=token_hash, user_id=user_id, created_at=at, expires_at=expires_at, address=address))


def session_user(connection: Connection, token_hash: str, now: datetime) -> dict | None:
    """The enabled user of an unexpired session, as ``{username, role}``, else None."""
    s, u = schema.sessions, schema.users
    query = (
        select(u.c.username, u.c.role)
        .join(s, s.c.user_id == u.c.id)
        .where(s.c.token_hash == token_hash, s.c.expires_at > now, u.c.disabled.is_(False))
    )
    row = connection.execute(query).mappings().first()
    return dict(row) if row else None


def delete_session(connection: Connection, token_hash: str) -> None:
    connection.execute(delete(schema.sessions).where(schema.sessions.c.token_hash == token_hash))


def delete_sessions_of(connection: Connection, user_id: int) -> None:
    connection.execute(delete(schema.sessions).where(schema.sessions.c.user_id == user_id))


def delete_expired_sessions(connection: Connection, now: datetime) -> None:
    connection.execute(delete(schema.sessions).where(schema.sessions.c.expires_at <= now))


def add_credential(connection: Connection, table, name: str, secret_hash: str, at: datetime, created_by: str,
                   **extra) -> None:
    """Store a kiosk token or API key (``table`` is ``schema.kiosk_tokens`` or ``schema.api_keys``)."""
    hash_column = "token_hash" if table is schema.kiosk_tokens else "key_hash"
    connection.execute(insert(table).values(name=name, created_at=at, created_by=created_by,
                                            **{hash_column: secret_hash}, **extra))


def active_credential(connection: Connection, table, secret_hash: str) -> dict | None:
    """The unrevoked kiosk token or API key with this digest."""
    hash_column = table.c.token_hash if table is schema.kiosk_tokens else table.c.key_hash
    query = select(table).where(hash_column == secret_hash, table.c.revoked_at.is_(None))
    row = connection.execute(query).mappings().first()
    return dict(row) if row else None


def active_credential_named(connection: Connection, table, name: str) -> dict | None:
    query = select(table).where(table.c.name == name, table.c.revoked_at.is_(None))
    row = connection.execute(query).mappings().first()
    return dict(row) if row else None


def revoke_credential(connection: Connection, table, name: str, at: datetime) -> int:
    """Revoke the active kiosk token or API key called ``name``; returns how many were revoked (0 or 1)."""
    statement = update(table).where(table.c.name == name, table.c.revoked_at.is_(None)).values(revoked_at=at)
    return connection.execute(statement).rowcount


def credentials(connection: Connection, table) -> list[dict]:
    """Every kiosk token or API key, without its digest, newest first."""
    columns = [column for column in table.c if column.name not in ("token_hash", "key_hash")]
    return [dict(row) for row in connection.execute(select(*columns).order_by(table.c.id.desc())).mappings()]


def add_audit_event(connection: Connection, at: datetime, event: str, actor: str, subject: str | None,
                    address: str | None, detail: str | None) -> None:
    connection.execute(insert(schema.audit_events).values(
        ts=at, event=event, actor=actor, subject=subject, address=address, detail=detail))


def audit_events(connection: Connection, limit: int = 200) -> list[dict]:
    """The latest audit events, newest first."""
    a = schema.audit_events
    query = select(a).order_by(a.c.id.desc()).limit(limit)
    return [dict(row) for row in connection.execute(query).mappings()]


def recent_failures(connection: Connection, username: str, since: datetime) -> int:
    """Failed sign-ins for ``username`` after ``since`` and after its last successful sign-in."""
    a = schema.audit_events
    last_success = (
        select(func.max(a.c.ts)).where(a.c.event == "sign_in", a.c.subject == username).scalar_subquery()
    )
    query = select(func.count()).where(
        a.c.event == "sign_in_failed",
        a.c.subject == username,
        a.c.ts > since,
        a.c.ts > func.coalesce(last_success, since),
    )
    return connection.execute(query).scalar_one()
