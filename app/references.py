"""Names for the ids that records keep: what "user_id 16" or "course_id 3" is called.

A record that outlives what it points at (an audit entry, above all) stores ids, yet a reader
wants names. The capability that owns a kind of thing registers, at app start (in its
`handlers` module, beside its event receivers), a namer for it: a function that takes a set of
ids and a language and returns the name of each id that still exists, in one query. It also says
which stored keys ("user_id", "manager_id", "reviewers") and which object types ("user") hold
ids of that kind. A reader of such records (the audit log) gathers every id of a page or a
batch first and asks each namer once, so the queries do not grow with the rows; it imports no
capability, and no capability imports it back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from flask_babel import gettext

# (ids as strings, language) -> {id: name} for the ids that still exist
Namer = Callable[[set[str], str], dict[str, str]]

_namers: dict[str, Namer] = {}
_kind_of_key: dict[str, str] = {}
_kind_of_object: dict[str, str] = {}


def register(kind: str, namer: Namer, *, keys: Iterable[str] = (), objects: Iterable[str] = ()):
    """Name the things of `kind` with `namer`; `keys` are the stored keys holding their ids (a
    single id or a list of them), `objects` the object types that are things of this kind.
    A kind, key or object type claimed twice is a mistake caught at start."""
    if _namers.get(kind, namer) is not namer:
        raise ValueError(f"references: the kind {kind!r} has a namer already")
    claims = [(table, name) for table, names in ((_kind_of_key, keys), (_kind_of_object, objects))
              for name in names]  # fmt: skip
    for table, name in claims:
        if table.get(name, kind) != kind:
            raise ValueError(f"references: {name!r} holds ids of {table[name]!r} already")
    _namers[kind] = namer
    for table, name in claims:
        table[name] = kind


def reference_keys() -> set[str]:
    """Every stored key registered as holding ids."""
    return set(_kind_of_key)


def named_objects() -> set[str]:
    """Every object type registered with a namer."""
    return set(_kind_of_object)


def deleted(ref) -> str:
    """What a reference to something that no longer exists reads as."""
    return gettext("deleted (#%(id)s)", id=ref)


class Names:
    """The names of the references gathered from a batch of records, in one language."""

    def __init__(self, found: dict[str, dict[str, str]]):
        self._found = found

    def _name(self, kind: str, ref) -> str:
        return self._found.get(kind, {}).get(str(ref)) or deleted(ref)

    def of_key(self, key: str, value) -> str | list[str] | None:
        """The name behind a stored value of `key` (a name for each id of a list), or None
        when the key holds no reference or the value is empty."""
        kind = _kind_of_key.get(key)
        if kind is None or value is None or value == "":
            return None
        if isinstance(value, list):
            return [self._name(kind, ref) for ref in value]
        return self._name(kind, value)

    def of_object(self, object_type: str, object_id) -> str | None:
        """The name of an entry's object, or None when its type has no namer."""
        kind = _kind_of_object.get(object_type)
        if kind is None or object_id in (None, ""):
            return None
        return self._name(kind, object_id)


class Gathering:
    """Ids gathered from records, by kind, to be named together."""

    def __init__(self):
        self._ids: dict[str, set[str]] = defaultdict(set)

    def add_values(self, values: dict | None) -> None:
        """Every id held by a record's reference keys."""
        for key, value in (values or {}).items():
            kind = _kind_of_key.get(key)
            if kind is None or value is None or value == "":
                continue
            refs = value if isinstance(value, list) else [value]
            self._ids[kind].update(str(ref) for ref in refs if ref not in (None, ""))

    def add_object(self, object_type: str, object_id) -> None:
        kind = _kind_of_object.get(object_type)
        if kind is not None and object_id not in (None, ""):
            self._ids[kind].add(str(object_id))

    def named(self, lang: str) -> Names:
        """Ask each kind's namer once, for all its ids."""
        return Names({kind: _namers[kind](ids, lang) for kind, ids in self._ids.items() if ids})


def int_ids(ids: set[str]) -> list[int]:
    """The ids that are whole numbers (a namer of integer keys skips the rest: no such row)."""
    return [int(ref) for ref in ids if ref.isdigit()]
