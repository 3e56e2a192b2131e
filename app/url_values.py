"""Whole numbers read from URLs stay within what the database holds.

Every id column is an INTEGER (32 bits on PostgreSQL), so a larger number names no row; passed
on to the database anyway, a number past 64 bits makes the driver fail and the page answer 500.
So the app reads numbers from URLs in one place each:

- in a path (`<int:...>` in every route), a number past the largest id matches no route: 404;
- in a query string or a form, `request.args.get(name, default, type=int)` treats such a
  number, a negative one or one not written in ASCII digits as malformed and gives the
  default, as werkzeug does for any text that is not a number.
"""

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

LARGEST = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL


def whole_number(text: str) -> int:
    """A number from 0 to LARGEST written in ASCII digits; anything else raises ValueError."""
    if not (text.isascii() and text.isdigit()) or int(text) > LARGEST:
        raise ValueError(f"not a whole number up to {LARGEST}: {text[:40]!r}")
    return int(text)


class IdConverter(IntegerConverter):
    """`<int:...>` with an upper bound unless the rule gives its own."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> int:
        try:
            return super().to_python(value)
        except ValidationError:
            # Werkzeug stops matching here either way, but would answer 405 when another rule
            # has the same path for other methods; an id that cannot exist is simply not found.
            raise NotFound() from None


class UrlValues(ImmutableMultiDict):
    """Query-string and form values whose `type=int` reads a `whole_number`."""

    def get(self, key, default=None, type=None):
        return super().get(key, default, whole_number if type is int else type)

    def getlist(self, key, type=None):
        return super().getlist(key, whole_number if type is int else type)


class KhidmaRequest(Request):
    parameter_storage_class = UrlValues


def init_app(app: Flask) -> None:
    """Before any route is added: rules build their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = KhidmaRequest
