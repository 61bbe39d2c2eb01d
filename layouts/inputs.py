"""What a callback takes from the browser, read by the type the page gave it.

A callback's inputs arrive as JSON in a request that anyone signed in can write by hand, so a dropdown's value
may come as a list, a number or an object instead of the string the page offered, and a row's id as a string,
a boolean or a number too large for the store. Passed on, such a value failed a query or a string method and
the request answered 500. Callbacks read what they take through these functions: anything else is None.
"""

MAX_ROW_ID = 2**63 - 1
"""The largest id a 64-bit integer column holds (SQLite's and PostgreSQL's BIGINT)."""


def string(value) -> str | None:
    return value if isinstance(value, str) else None


def whole(value) -> int | None:
    """An integer (not a boolean, which JSON keeps apart and Python does not)."""
    return value if type(value) is int and abs(value) <= MAX_ROW_ID else None


def row_id(value) -> int | None:
    """A row's id: a positive integer that fits the store."""
    number = whole(value)
    return number if number is not None and number > 0 else None
