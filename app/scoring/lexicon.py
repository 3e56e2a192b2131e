"""Word-level language knowledge: contractions, number words, light stemming, clitics.

A token is reduced to a small set of keys; a pattern term matches a token when its key is in
that set. English keys are the word and its Snowball stem. Arabic keys are the word and the
forms left after stripping clitics (conjunctions, prepositions, the article, future and
aspect markers, attached pronouns), because Arabic glues them onto the word.
"""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

from app.scoring.normalize import is_arabic, is_number

_EN_STEMMER = snowballstemmer.stemmer("english")

_NOT_FORMS = {"won't": ["will", "not"], "can't": ["can", "not"], "shan't": ["shall", "not"]}
_NOT_FORMS |= {"ain't": ["is", "not"], "cannot": ["can", "not"]}
_SUFFIX_FORMS = {"'ll": "will", "'ve": "have", "'re": "are", "'m": "am", "'d": "would"}
_S_PRONOUNS = frozenset({"it", "that", "there", "here", "what", "who", "he", "she", "where"})
# Apostrophe-less spellings and chat abbreviations that agents really type.
_SHORTHAND = {
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "wont": "will not",
    "cant": "can not",
    "isnt": "is not",
    "wasnt": "was not",
    "arent": "are not",
    "werent": "were not",
    "shouldnt": "should not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "havent": "have not",
    "hasnt": "has not",
    "shouldve": "should have",
    "im": "i am",
    "ive": "i have",
    "ill": "i will",
    "youre": "you are",
    "youll": "you will",
    "youve": "you have",
    "theyre": "they are",
    "theyll": "they will",
    "weve": "we have",
    "theres": "there is",
    "thats": "that is",
    "whats": "what is",
    "u": "you",
    "ur": "your",
    "abt": "about",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "thanx": "thanks",
    "tnx": "thanks",
    "sry": "sorry",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "msg": "message",
    "wkend": "weekend",
    "thru": "through",
    "coz": "because",
    "cuz": "because",
}

_EN_NUMBERS = {
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "hundred": "100",
    "twice": "2",
}
_AR_NUMBER_WORDS = {
    "2": "اثنين اتنين اثنان ثنتين تنين",
    "3": "ثلاث ثلاثه تلات تلاته تلت",
    "4": "اربع اربعه",
    "5": "خمس خمسه",
    "6": "سته",
    "7": "سبع سبعه",
    "8": "ثمان ثماني ثمانيه تمن تمانيه تمنيه تماني",
    "9": "تسع تسعه",
    "10": "عشر عشره",
    "20": "عشرين",
    "30": "ثلاثين تلاتين",
    "50": "خمسين",
    "100": "ميه مئه مائه مية",
}
_AR_NUMBERS = {w: n for n, words in _AR_NUMBER_WORDS.items() for w in words.split()}

# Clitics, longest first so the most specific strip is tried before the shorter one.
_AR_CONJ = ("و", "ف")
_AR_PREFIXES = ("بال", "كال", "وال", "فال", "عال", "ال", "لل", "ب", "ل", "ك", "س", "ه", "ح")
_AR_SUFFIXES = (
    "كم",
    "كن",
    "ها",
    "هم",
    "هن",
    "نا",
    "ني",
    "لك",
    "لي",
    "له",
    "ك",
    "ه",
    "ي",
    "ا",
    "ات",
    "ين",
    "ون",
    "ش",
)
_MIN_AR_STEM = 2


def expand_english(norm: str) -> list[str]:
    """Expand contractions and chat shorthand into plain words ("won't" -> will, not)."""
    if norm in _NOT_FORMS:
        return list(_NOT_FORMS[norm])
    if "'" in norm:
        return _expand_apostrophe(norm)
    if norm in _SHORTHAND:
        return _SHORTHAND[norm].split()
    return [norm]


def _expand_apostrophe(norm: str) -> list[str]:
    if norm.endswith("n't"):
        return [norm[:-3], "not"]
    for suffix, word in _SUFFIX_FORMS.items():
        if norm.endswith(suffix):
            return [norm[: -len(suffix)], word]
    if norm.endswith("'s"):
        base = norm[:-2]
        return [base, "is"] if base in _S_PRONOUNS else [base]
    if norm == "let's":
        return ["let", "us"]
    return [norm.replace("'", "")]


def canonical_number(word: str) -> str | None:
    """The digits a number word stands for, in English or Arabic, or None."""
    return _EN_NUMBERS.get(word) or _AR_NUMBERS.get(word)


@lru_cache(maxsize=65536)
def english_stem(word: str) -> str:
    """Snowball (Porter2) stem of a normalised English word."""
    return _EN_STEMMER.stemWord(word)


@lru_cache(maxsize=65536)
def token_keys(norm: str) -> frozenset[str]:
    """All keys a normalised token can be matched by."""
    if is_number(norm) or not norm:
        return frozenset((norm,))
    if is_arabic(norm):
        return arabic_variants(norm)
    keys = {norm, english_stem(norm)}
    number = _EN_NUMBERS.get(norm)
    if number:
        keys.add(number)
    return frozenset(keys)


def arabic_variants(norm: str) -> frozenset[str]:
    """The word plus the forms left after stripping clitics (never below two letters)."""
    cores = {norm}
    for conj_free in _strip_conj(norm):
        cores.add(conj_free)
        cores.update(_strip_prefix(conj_free))
    out = set(cores)
    for core in cores:
        out.update(_strip_suffix(core))
    numbers = {_AR_NUMBERS[v] for v in out if v in _AR_NUMBERS}
    return frozenset(out | numbers)


def _strip_conj(word: str) -> list[str]:
    forms = [word]
    if word[0] in _AR_CONJ and len(word) - 1 >= _MIN_AR_STEM:
        forms.append(word[1:])
    return forms


def _strip_prefix(word: str) -> list[str]:
    out = []
    for prefix in _AR_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= _MIN_AR_STEM:
            out.append(rest)
    return out


def _strip_suffix(word: str) -> list[str]:
    out = []
    for suffix in _AR_SUFFIXES:
        rest = word[: -len(suffix)]
        if word.endswith(suffix) and len(rest) >= _MIN_AR_STEM + 1:
            out.append(rest)
    return out


def term_key(norm: str) -> str:
    """The key a plain pattern word is matched by: stem for English, the word for Arabic."""
    number = canonical_number(norm)
    if number:
        return number
    if is_arabic(norm) or is_number(norm):
        return norm
    return english_stem(norm)
