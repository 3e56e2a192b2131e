"""Text normalisation and tokenisation for Arabic and English replies.

Every token keeps the character offsets of its surface form in the original text, so matches
can be highlighted in the reply exactly as the agent typed it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_DIACRITICS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_DIACRITIC_RE = re.compile(f"[{_DIACRITICS}\u0640]")
_LETTER_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ة": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ء": None,  # dialect spelling drops the bare hamza (شي، مسا), so drop it everywhere
        "ک": "ك",
        "’": "'",
        "‘": "'",
        "`": "'",
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PUNCT_RE = re.compile(r"[^\w\s']|_")
_SPACES_RE = re.compile(r"\s+")

_DIGIT = "0-9٠-٩۰-۹"
_MARKS = f"{_DIACRITICS}\u0640"
# An Arabic clitic glued to a word in Latin letters ("الـPOD", "بـOTP", "للـcontrol", "والـtech",
# as agents mix English into Arabic): the clitic is passed over, so the Latin word is read as
# the word it is (an acronym, "refund").
# (This alternative backtracks over its optional prefixes; it is tried only at a word start.)
_CLITIC = "(?:[وف]?(?:[بلك]?ال|لل|[بلك])|[وف])\u0640*+(?=[A-Za-z])"
# Possessive quantifiers: a token never needs to give characters back, and not backtracking
# makes tokenising markedly faster.
TOKEN_RE = re.compile(
    rf"(?P<num>[{_DIGIT}]++(?:[.,٫][{_DIGIT}]++)*+)"
    rf"|(?P<clitic>{_CLITIC})"
    rf"|(?P<word>(?:[^\W\d_]++|[{_MARKS}]++)++(?:['’‘][^\W\d_]++)*+)"
    r"|(?P<sym>[$£€%٪﷼])"
    r"|(?P<q>[?؟]+)"
    r"|(?P<sent>[.!;؛…\n]+)"
    r"|(?P<clause>[,،:()\[\]\"“”«»–—]+|\s-\s)"
)
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_THOUSANDS_RE = re.compile(r"^\d{1,3}(,\d{3})+$")


@dataclass(slots=True)
class RawToken:
    """One token of the original text: normalised form plus where it sits in the text."""

    norm: str
    start: int
    end: int
    upper: bool


@dataclass(slots=True)
class Segmented:
    """Tokens with the sentence and clause each belongs to, and which sentences are questions."""

    tokens: list[RawToken]
    sentence: list[int]
    clause: list[int]
    question_sentences: set[int]


def fold_arabic(text: str) -> str:
    """Remove diacritics and tatweel, fold alef/ya/ta marbuta/hamza forms and foreign digits."""
    return _DIACRITIC_RE.sub("", text).translate(_LETTER_FOLD).translate(_DIGITS)


def normalize(text: str) -> str:
    """Normalise a whole text: NFKC, Arabic folding, casefold, punctuation to spaces."""
    text = fold_arabic(unicodedata.normalize("NFKC", text)).casefold()
    text = _PUNCT_RE.sub(" ", text).replace("'", "")
    return _SPACES_RE.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def normalize_word(surface: str) -> str:
    """Normalise one surface word (already cut by the tokeniser); apostrophes are kept."""
    return fold_arabic(unicodedata.normalize("NFKC", surface)).casefold()


def number_norm(surface: str) -> str:
    """A number token in plain digits: Arabic-Indic digits folded, thousands separators dropped."""
    text = surface.translate(_DIGITS).replace("٫", ".")
    if _THOUSANDS_RE.match(text):
        return text.replace(",", "")
    return text.replace(",", ".")


def segment(text: str) -> Segmented:
    """Split text into tokens, recording sentence and clause boundaries and question marks."""
    tokens: list[RawToken] = []
    sentence: list[int] = []
    clause: list[int] = []
    questions: set[int] = set()
    sent_id = clause_id = 0
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "word":
            surface = m.group()
            if len(surface) == 2 and _is_ordinal_suffix(tokens, m, surface):
                continue
            norm = normalize_word(surface)
        elif kind == "num" or kind == "sym":
            surface = m.group()
            norm = number_norm(surface) if kind == "num" else normalize_word(surface)
        elif kind == "clause":
            if clause and clause[-1] == clause_id:
                clause_id += 1
            continue
        elif kind == "clitic":
            continue
        else:
            if kind == "q":
                questions.add(sent_id)
            if sentence and sentence[-1] == sent_id:
                sent_id += 1
                clause_id += 1
            continue
        start, end = m.span()
        tokens.append(RawToken(norm, start, end, surface.isupper()))
        sentence.append(sent_id)
        clause.append(clause_id)
    return Segmented(tokens, sentence, clause, questions)


def _is_ordinal_suffix(tokens: list[RawToken], m: re.Match, surface: str) -> bool:
    # "1st", "3rd": the digits carry the meaning, so the glued suffix is dropped
    if not tokens or tokens[-1].end != m.start() or not tokens[-1].norm[:1].isdigit():
        return False
    return surface.casefold() in ORDINAL_SUFFIXES


def is_arabic(word: str) -> bool:
    """True when the word starts with an Arabic letter."""
    return bool(word) and "\u0600" <= word[0] <= "\u06ff"


def is_number(word: str) -> bool:
    """True for a normalised number token."""
    return bool(word) and word[0].isdigit()


_ARABIC_LETTER_RE = re.compile(
    "[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
)
_LATIN_LETTER_RE = re.compile("[A-Za-z\u00c0-\u024f]")


def reply_language(text: str, default: str) -> str:
    """The language a reply is written in, by its letters: "ar" when Arabic letters are at
    least as many as Latin ones, "en" when Latin ones are more, `default` when it has no
    letters at all. Replies mix both (English product words in an Arabic sentence), so the
    share decides, not the first word."""
    arabic = len(_ARABIC_LETTER_RE.findall(text or ""))
    latin = len(_LATIN_LETTER_RE.findall(text or ""))
    if not arabic and not latin:
        return default
    return "ar" if arabic >= latin else "en"
