"""INSERT ... ON CONFLICT for both backends (SQLite and PostgreSQL speak the same clause)."""

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_for(connection: Connection, table: Table):
    """The dialect's own insert construct, which has ``on_conflict_do_nothing/do_update``."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
