"""Alembic environment: runs on the connection that ``ioc.store.migrate`` hands over."""

from alembic import context

from ioc.store.schema import UTCDateTime, metadata


def render_item(type_, obj, autogen_context):
    """Write the store's UTC type as the plain column type it is in the database."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    render_item=render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
