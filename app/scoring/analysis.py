"""One reply, analysed once: tokens with offsets, keys, clauses, negators and question scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress

from app.scoring import packdata
from app.scoring.lexicon import (
    expand_english_cached,
    may_imply_quantity,
    number_of,
    token_keys,
)
from app.scoring.negation import (
    CLAUSE_BREAK_WORDS,
    NEGATION_WINDOW,
    is_negator,
    is_question_cue,
    may_negate,
)
from app.scoring.normalize import (
    ORDINAL_SUFFIXES,
    TOKEN_RE,
    is_arabic,
    normalize_word,
    number_norm,
)

_MIN_CONTENT = 3
# Words too common to show that two negative statements are about the same thing (packs).
_FUNCTION_WORDS = packdata.all_words("function_words")
# TOKEN_RE groups for punctuation: it ends a clause or a sentence and is not a token.
_BREAK_KINDS = frozenset(("clause", "q", "sent"))


@dataclass(slots=True)
class Analysis:
    """Parallel per-token lists for one text; index i describes token i."""

    text: str
    norms: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    upper: list[bool] = field(default_factory=list)
    keys: list[frozenset[str]] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)
    clause: list[int] = field(default_factory=list)
    negator: list[bool] = field(default_factory=list)
    in_question: list[bool] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    quantity_words: list[int] = field(default_factory=list)
    # by sentence id (not per token): the position of the sentence's last token
    sentence_last: list[int] = field(default_factory=list)
    # by clause id: the speech act of each clause (app.scoring.acts, filled when first asked)
    acts: list | None = None
    # per token: whether a negator governs it (negated_before with the default window), filled
    # when first asked
    negated: list[bool] | None = None

    def __len__(self) -> int:
        return len(self.norms)

    def surface(self, i: int) -> str:
        """The token as it was typed."""
        start, end = self.spans[i]
        return self.text[start:end]

    def negated_before(self, start: int, window: int = NEGATION_WINDOW) -> bool:
        """Whether a negator governs the token at `start` (same clause, a few words back)."""
        return self.negator_before(start, window) is not None

    def negated_flags(self) -> list[bool]:
        """For every token, negated_before(token), in one pass (kept)."""
        if self.negated is None:
            self.negated = _negated_flags(self)
        return self.negated

    def negated_words(self) -> set[str]:
        """Keys of the content words that sit in a negation scope ("nobody called" -> call)."""
        out: set[str] = set()
        for i in range(len(self.norms)):
            if not self.negator[i] and self.negated_before(i):
                out.update(k for k in self.keys[i] if len(k) >= _MIN_CONTENT)
        return out - _FUNCTION_WORDS

    def negator_before(self, start: int, window: int = NEGATION_WINDOW) -> int | None:
        """The position of the negator governing the token at `start`, or None."""
        clause = self.clause[start]
        for i in range(start - 1, max(-1, start - 1 - window), -1):
            if self.clause[i] != clause or self.norms[i] in CLAUSE_BREAK_WORDS:
                return None
            if self.negator[i]:
                return i
        return None

    def negated_inside(self, tokens: tuple[int, ...]) -> bool:
        """Whether a negator sits in a gap between matched tokens ("you did nothing wrong")."""
        if tokens[-1] - tokens[0] + 1 == len(tokens):
            return False
        matched = set(tokens)
        return any(self.negator[i] for i in range(tokens[0], tokens[-1]) if i not in matched)


# (typed in capitals, words, their match keys, and per word whether it is a number, may be
# a negator, may state a quantity - or None when no word is any of these)
_WordInfo = tuple[
    bool, tuple[str, ...], tuple[frozenset[str], ...], tuple[tuple[bool, bool, bool], ...] | None
]
# TOKEN_RE matches of a piece of text: (kind, start, end, word info or None for punctuation)
_Piece = tuple[tuple[str, int, int, _WordInfo | None], ...]
_WORD_CACHE: dict[str, _WordInfo] = {}
_PIECE_CACHE: dict[str, _Piece] = {}
_CACHE_LIMIT = 100_000


def _word_info(surface: str, kind: str) -> _WordInfo:
    """What analyse needs of a surface, for each word it stands for ("won't" -> will, not).
    Cached, since replies reuse a small vocabulary."""
    info = _WORD_CACHE.get(surface)
    if info is not None:
        return info
    norm = number_norm(surface) if kind == "num" else normalize_word(surface)
    words = (norm,) if kind != "word" or is_arabic(norm) else expand_english_cached(norm)
    keys = tuple(token_keys(w) for w in words)
    flags = tuple(
        (number_of(w) is not None, may_negate(w), may_imply_quantity(w, k))
        for w, k in zip(words, keys, strict=True)
    )
    info = (surface.isupper(), words, keys, flags if any(map(any, flags)) else None)
    if len(_WORD_CACHE) >= _CACHE_LIMIT:
        _WORD_CACHE.clear()
    # a surface is a word, a number or a symbol by its characters alone, so it is the key
    _WORD_CACHE[surface] = info
    return info


def _scan(text: str) -> _Piece:
    """The TOKEN_RE matches of a text with their word info; ordinal suffixes glued to a number
    ("1st", "3rd") are dropped, since the digits carry the meaning."""
    out: list[tuple[str, int, int, _WordInfo | None]] = []
    last_end = -1
    last_word = ""
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        if kind in _BREAK_KINDS:
            out.append((kind, start, end, None))
            continue
        if kind == "clitic":
            continue
        surface = m.group()
        if (
            kind == "word"
            and len(surface) == 2
            and last_end == start
            and last_word[:1].isdigit()
            and surface.casefold() in ORDINAL_SUFFIXES
        ):
            continue
        info = _word_info(surface, kind)
        out.append((kind, start, end, info))
        last_end, last_word = end, info[1][-1]
    return tuple(out)


# A piece that is one plain word (no punctuation, one word after expansion, not a number, a
# possible negator or an amount), as analyse needs it: (word, keys, typed in capitals, start,
# end). Most pieces of a reply are; they are kept here and take the short way.
_Plain = tuple[str, frozenset[str], bool, int, int]
_PLAIN: dict[str, _Plain] = {}


def _scanned(piece: str) -> _Piece:
    """The kept scan of one space-separated piece (see _scan); a plain piece is kept in
    _PLAIN too."""
    found = _PIECE_CACHE.get(piece)
    if found is None:
        if len(_PIECE_CACHE) >= _CACHE_LIMIT:
            _PIECE_CACHE.clear()
            _PLAIN.clear()
        found = _PIECE_CACHE[piece] = _scan(piece)
        if len(found) == 1 and found[0][3] is not None:
            _, start, end, (is_upper, words, word_keys, flags) = found[0]
            if flags is None and len(words) == 1:
                _PLAIN[piece] = (words[0], word_keys[0], is_upper, start, end)
    return found


def analyse(text: str) -> Analysis:
    r"""Tokenise and annotate a text (see Analysis): the same token rules as
    normalize.segment, with the per-word work cached. No token contains a space except a
    spaced dash (TOKEN_RE's `\s-\s`), so each space-separated piece is scanned on its own and
    its scan kept: replies reuse a small vocabulary."""
    out = Analysis(text)
    norms, spans, upper, keys = out.norms, out.spans, out.upper, out.keys
    sentences, clauses = out.sentence, out.clause
    questions: set[int] = set()
    maybe_negators: list[int] = []
    # Sentence and clause ids change only at punctuation, so their lists are filled in runs:
    # up to the current token when an id changes, and at the end.
    sent_id = clause_id = 0
    sent_begin = clause_begin = 0  # first token of the current sentence / clause
    whole = " -" in text or "- " in text  # then the text is scanned as one piece
    plains = _PLAIN if not whole else {}
    offset = 0
    for piece in (text,) if whole else text.split(" "):
        plain = plains.get(piece)
        if plain is not None:
            norm, key, is_upper, start, end = plain
            norms.append(norm)
            keys.append(key)
            upper.append(is_upper)
            spans.append((offset + start, offset + end))
            offset += len(piece) + 1
            continue
        for kind, start, end, info in _scan(piece) if whole else _scanned(piece):
            if info is None:
                n = len(norms)
                if kind == "clause":
                    if n > clause_begin:
                        clauses += [clause_id] * (n - clause_begin)
                        clause_id += 1
                        clause_begin = n
                    continue
                if kind == "q":
                    questions.add(sent_id)
                if n > sent_begin:
                    sentences += [sent_id] * (n - sent_begin)
                    out.sentence_last.append(n - 1)
                    sent_id += 1
                    sent_begin = n
                    clauses += [clause_id] * (n - clause_begin)
                    clause_id += 1
                    clause_begin = n
                continue
            is_upper, words, word_keys, flags = info
            if flags is not None:
                for i, (is_num, negates, quantity) in enumerate(flags, len(norms)):
                    if is_num:
                        out.numbers.append(i)
                    if negates:
                        maybe_negators.append(i)
                    if quantity:
                        out.quantity_words.append(i)
            norms += words
            keys += word_keys
            span = (offset + start, offset + end)
            if len(words) == 1:
                spans.append(span)
                upper.append(is_upper)
            else:
                spans += [span] * len(words)
                upper += [is_upper] * len(words)
        offset += len(piece) + 1
    n = len(norms)
    if n > sent_begin:
        sentences += [sent_id] * (n - sent_begin)
        out.sentence_last.append(n - 1)
    clauses += [clause_id] * (n - clause_begin)
    out.in_question = _question_scope(out, questions)
    out.negator = _negators(out.norms, out.in_question, maybe_negators)
    return out


def _negated_flags(a: Analysis) -> list[bool]:
    # the same rule as Analysis.negator_before: a token is governed by a negator at most
    # NEGATION_WINDOW tokens back in its clause with no clause-break word between (a break
    # word is itself governed, and is not a negator); most tokens are near no negator, so the
    # scan goes forward from each negator only
    norms, clause = a.norms, a.clause
    n = len(norms)
    flags = [False] * n
    for j in compress(range(n), a.negator):
        if norms[j] in CLAUSE_BREAK_WORDS:
            continue
        for i in range(j + 1, min(n, j + NEGATION_WINDOW + 1)):
            if clause[i] != clause[j]:
                break
            flags[i] = True
            if norms[i] in CLAUSE_BREAK_WORDS:
                break
    return flags


def _negators(
    norms: list[str], in_question: list[bool], candidates: list[int] | None = None
) -> list[bool]:
    flags = [False] * len(norms)
    last = len(norms) - 1
    for i in range(len(norms)) if candidates is None else candidates:
        norm = norms[i]
        prev = norms[i - 1] if i else ""
        nxt = norms[i + 1] if i < last else ""
        # in a question "ولا" offers an alternative ("...ولا تفضل؟"), it does not negate
        flags[i] = is_negator(norm, prev, nxt) and not (in_question[i] and norm == "ولا")
    return flags


def _question_scope(a: Analysis, questions: set[int]) -> list[bool]:
    # In a question sentence the asking starts at its first cue word ("would you", "ولا تفضل");
    # what comes before the cue is still a statement ("I'll send it today, or would you...").
    flags = [False] * len(a.norms)
    if not questions:
        return flags
    by_sentence: dict[int, list[int]] = {}
    for i, sent in enumerate(a.sentence):
        if sent in questions:
            by_sentence.setdefault(sent, []).append(i)
    for idx in by_sentence.values():
        start = next(
            (i for n, i in enumerate(idx) if is_question_cue(a.norms[i], a.keys[i], n == 0)),
            idx[0],
        )
        for i in idx:
            flags[i] = i >= start
    return flags
