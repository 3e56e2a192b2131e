"""One reply, analysed once: tokens with offsets, keys, clauses, negators and question scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.scoring.lexicon import (
    expand_english_cached,
    may_imply_quantity,
    number_of,
    token_keys,
)
from app.scoring.negation import (
    NEGATION_WINDOW,
    is_clause_break,
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
# Words too common to show that two negative statements are about the same thing.
_FUNCTION_TEXT = (
    "the and for you your yours our this that with have has had was were are any one been will "
    "would could can get got even yet ever anyone anybody someone from about into them they "
    "احد حدا حد اي شي شيء حاجه لحد لاحد ابدا ابد انا انت حضرتك هذا هذه هذي كان كانت فيه فيها لسه "
    "لسا عندي عندك عنا عندنا الي اللي يلي الذي التي"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


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

    def __len__(self) -> int:
        return len(self.norms)

    def surface(self, i: int) -> str:
        """The token as it was typed."""
        start, end = self.spans[i]
        return self.text[start:end]

    def negated_before(self, start: int, window: int = NEGATION_WINDOW) -> bool:
        """Whether a negator governs the token at `start` (same clause, a few words back)."""
        return self.negator_before(start, window) is not None

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
            if self.clause[i] != clause or is_clause_break(self.norms[i]):
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


_WordInfo = tuple[bool, tuple[tuple[str, frozenset[str], bool, bool, bool], ...]]
_WORD_CACHE: dict[str, _WordInfo] = {}
_WORD_CACHE_LIMIT = 100_000


def _word_info(surface: str, kind: str) -> _WordInfo:
    """Whether the surface is in capitals, and for each word it stands for ("won't" -> will,
    not): the normalised word, its match keys, and whether it is a number, may be a negator or
    may state a quantity. Cached, since replies reuse a small vocabulary."""
    norm = number_norm(surface) if kind == "num" else normalize_word(surface)
    words = (norm,) if kind != "word" or is_arabic(norm) else expand_english_cached(norm)
    words_info = tuple(
        (w, keys, number_of(w) is not None, may_negate(w), may_imply_quantity(w, keys))
        for w in words
        for keys in (token_keys(w),)
    )
    info = (surface.isupper(), words_info)
    if len(_WORD_CACHE) >= _WORD_CACHE_LIMIT:
        _WORD_CACHE.clear()
    # a surface is a word, a number or a symbol by its characters alone, so it is the key
    _WORD_CACHE[surface] = info
    return info


def analyse(text: str) -> Analysis:
    """Tokenise and annotate a text (see Analysis). One pass over the text: the same token
    rules as normalize.segment, with the per-word work cached."""
    out = Analysis(text)
    norms, spans, upper, keys = out.norms, out.spans, out.upper, out.keys
    sentences, clauses, numbers = out.sentence, out.clause, out.numbers
    questions: set[int] = set()
    maybe_negators: list[int] = []
    sent_id = clause_id = 0
    last_end = -1
    cache = _WORD_CACHE
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "clause":
            if clauses and clauses[-1] == clause_id:
                clause_id += 1
            continue
        if kind == "q" or kind == "sent":
            if kind == "q":
                questions.add(sent_id)
            if sentences and sentences[-1] == sent_id:
                sent_id += 1
                clause_id += 1
            continue
        surface = m.group()
        start, end = m.span()
        if (
            kind == "word"
            and len(surface) == 2
            and last_end == start
            and norms[-1][:1].isdigit()
            and surface.casefold() in ORDINAL_SUFFIXES
        ):
            continue  # "1st", "3rd": the digits carry the meaning
        is_upper, info = cache.get(surface) or _word_info(surface, kind)
        for word, word_keys, is_num, negates, quantity in info:
            if is_num:
                numbers.append(len(norms))
            if negates:
                maybe_negators.append(len(norms))
            if quantity:
                out.quantity_words.append(len(norms))
            norms.append(word)
            spans.append((start, end))
            upper.append(is_upper)
            keys.append(word_keys)
            sentences.append(sent_id)
            clauses.append(clause_id)
        last_end = end
    out.in_question = _question_scope(out, questions)
    out.negator = _negators(out.norms, out.in_question, maybe_negators)
    return out


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
