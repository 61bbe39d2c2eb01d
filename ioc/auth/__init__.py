"""Who is asking: people sign in, wall displays hold kiosk tokens, machines hold API keys.

The roles and what each may do are declared once in ``permissions``; ``guard`` checks them on the server for
every page, callback and API route. docs/security.md describes the whole scheme.
"""
