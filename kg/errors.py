"""The igkg exception tree; third-party exceptions are wrapped at the boundary with `from exc`.

    IgkgError
    ├── ConfigError        bad settings or arguments: stops the run, lists the valid choices
    ├── SourceError        a source could not be read (missing file, unknown kind)
    │   └── FetchError     an HTTP fetch failed (timeout, cap, status, redirect, robots.txt)
    ├── ParseError         a page or message could not be parsed (becomes a Problem; the run goes on)
    ├── StoreError         the store could not be opened, read or written
    ├── QueryError         a query is unknown, malformed, forbidden or over its budget
    │   └── QueryForbidden a query uses SERVICE, FROM, LOAD or an update
    └── ExportError        an export could not be written (the previous file is left intact)
"""


class IgkgError(Exception):
    """Base of every error igkg raises on purpose; the CLI prints these without a traceback."""


class ConfigError(IgkgError):
    """Settings or command-line arguments that cannot work."""


class SourceError(IgkgError):
    """A source could not be read."""


class FetchError(SourceError):
    """An HTTP fetch failed or was refused by policy."""


class ParseError(IgkgError):
    """A page or message could not be parsed."""


class StoreError(IgkgError):
    """The store could not be opened, read or written."""


class QueryError(IgkgError):
    """A query is unknown, malformed, forbidden or over its budget."""


class QueryForbidden(QueryError):
    """A query uses a form that could reach the network or the disk, or change the data."""


class ExportError(IgkgError):
    """An export could not be written."""
