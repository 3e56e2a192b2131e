"""The Arabic interface has no English left in it: every string is extracted and translated."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"


def _key(value):
    """A message id or text, hashable: plural forms come as lists or tuples."""
    return value if isinstance(value, str) else tuple(value)


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_catalogue_covers_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    babel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(babel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    in_code = _ids(read_po(pot.open("rb")))
    arabic = read_po((TRANSLATIONS / "ar/LC_MESSAGES/messages.po").open("rb"), locale="ar")
    missing = sorted(in_code - _ids(arabic))
    assert not missing, f"run `make translations` and translate: {missing[:10]}"


def test_every_arabic_string_is_translated_and_compiled():
    po = read_po((TRANSLATIONS / "ar/LC_MESSAGES/messages.po").open("rb"), locale="ar")
    untranslated = [m.id for m in po if m.id and (not m.string or "fuzzy" in m.flags)]
    assert not untranslated, untranslated[:10]
    # Arabic has six plural forms (zero, one, two, few, many, other): each is written
    plurals = [m.id[0] for m in po if isinstance(m.id, tuple)]
    incomplete = [m.id[0] for m in po if isinstance(m.id, tuple) and not all(m.string)]
    assert po.num_plurals == 6 and plurals, po.num_plurals
    assert not incomplete, f"fill every msgstr[n] of: {incomplete[:5]}"
    mo = read_mo((TRANSLATIONS / "ar/LC_MESSAGES/messages.mo").open("rb"))
    compiled = {_key(m.id): _key(m.string) for m in mo if m.id}
    stale = [m.id for m in po if m.id and compiled.get(_key(m.id)) != _key(m.string)]
    assert not stale, f"run `pybabel compile -d app/translations`: {stale[:5]}"
