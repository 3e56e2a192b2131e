"""The rule engine's word lists, read from the language packs' `engine:` sections.

negation.py (negators, clause breaks, question cues), lexicon.py (contractions, chat shorthand,
number words, Arabic clitics) and index.py (everyday capitals, words never matched with a typo)
hold algorithms; the words they work on are data in `packs/lang-<language>.yaml`, where a
linguist extends them. Read once, at import: this module needs nothing else of the scorer.
"""

from __future__ import annotations

from pathlib import Path

import yaml

PACKS = Path(__file__).with_name("packs")


def _load() -> dict[str, dict]:
    engines = {}
    for path in sorted(PACKS.glob("lang-*.yaml")):
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
        engine = (data or {}).get("engine")
        if not isinstance(engine, dict):
            raise ValueError(f"{path}: engine: must be a mapping of word lists")
        engines[str(data["language"])] = engine
    return engines


ENGINES = _load()


def words(language: str, key: str) -> frozenset[str]:
    """A word list of one language's pack, as a set."""
    return frozenset(str(w) for w in ENGINES[language].get(key) or ())


def sequence(language: str, key: str) -> tuple[str, ...]:
    """A word list of one language's pack, in its written order (order matters: clitics)."""
    return tuple(str(w) for w in ENGINES[language].get(key) or ())


def mapping(language: str, key: str) -> dict[str, object]:
    """A mapping of one language's pack (word -> replacement or value)."""
    return {str(k): v for k, v in (ENGINES[language].get(key) or {}).items()}


def all_words(key: str) -> frozenset[str]:
    """The union of one word list over every pack."""
    return frozenset().union(*(words(language, key) for language in ENGINES))
