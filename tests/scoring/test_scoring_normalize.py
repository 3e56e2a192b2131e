"""Normalisation, tokenisation and the word keys used for matching."""

import pytest

from app.scoring import normalize
from app.scoring.analysis import analyse
from app.scoring.lexicon import expand_english, token_keys
from app.scoring.normalize import normalize_word, reply_language, segment


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("نَعْتَذِرُ", "نعتذر"),  # diacritics removed
        ("شكـــرا", "شكرا"),  # tatweel removed
        ("أإآٱ", "اااا"),  # alef forms folded
        ("على", "علي"),  # alef maqsura -> ya
        ("المعذرة", "المعذره"),  # ta marbuta -> ha
        ("مسؤول", "مسوول"),  # hamza on waw
        ("يؤسفني", "يوسفني"),
        ("مسائل", "مسايل"),  # hamza on ya
        ("شيء", "شي"),  # bare hamza dropped, as dialect spelling does
        ("٤٨٢١٣", "48213"),  # Arabic-Indic digits
        ("۱۲", "12"),  # Persian digits
        ("SORRY", "sorry"),  # casefold
        ("Straße", "strasse"),
        ("ﻻ", "لا"),  # NFKC presentation form
    ],
)
def test_folding_rules(raw, expected):
    assert normalize(raw) == expected


def test_punctuation_becomes_space():
    assert normalize("Hello,world!؟ مرحبا،كيف") == "hello world مرحبا كيف"


def test_normalize_word_keeps_apostrophe_for_contractions():
    assert normalize_word("Won’t") == "won't"
    assert expand_english("won't") == ["will", "not"]
    assert expand_english("i'll") == ["i", "will"]
    assert expand_english("customer's") == ["customer"]
    assert expand_english("dont") == ["do", "not"]


def test_tokens_keep_offsets_into_original_text():
    text = "نَعْتَذِرُ إِلَيْكَ, I'm sorry!"
    a = analyse(text)
    surfaces = [a.surface(i) for i in range(len(a))]
    assert surfaces == ["نَعْتَذِرُ", "إِلَيْكَ", "I'm", "I'm", "sorry"]
    assert a.norms == ["نعتذر", "اليك", "i", "am", "sorry"]


@pytest.mark.parametrize(
    "text",
    [
        "Sorry, I won't transfer you - I'll call you at 5 pm on the 3rd. Thanks!",
        "نعتذر منك، مش هحولك لحد. Your RMA is HOTAC-7; ما في مشكلة؟ شكرا",
        "Sorry  sorry   sorry, 1,000 and ٤٨٢١٣ (really) «quoted» – done…",
    ],
)
def test_a_text_is_analysed_the_same_again(text):
    """Pieces of text are kept once seen (a plain word takes a shorter way): a second reading
    of the same text gives the same tokens, offsets, clauses and scopes."""
    first = analyse(text)
    again = analyse(text)
    for name in ("norms", "spans", "upper", "keys", "sentence", "clause", "negator",
                 "in_question", "numbers", "quantity_words", "sentence_last"):  # fmt: skip
        assert getattr(again, name) == getattr(first, name), name
    assert [again.surface(i) for i in range(len(again))] == [
        text[start:end] for start, end in first.spans
    ]


def test_an_arabic_clitic_glued_to_a_word_in_latin_letters_is_passed_over():
    text = "الـPOD متسجل بـOTP، والـtech هيعمل swap للـcontrol board بالتوفيق"
    a = analyse(text)
    assert a.norms == ["pod", "متسجل", "otp", "tech", "هيعمل", "swap", "control", "board",
                       "بالتوفيق"]  # fmt: skip
    assert [a.surface(i) for i in (0, 2)] == ["POD", "OTP"] and a.upper[0] and a.upper[2]
    assert [t.norm for t in segment(text).tokens] == a.norms


def test_numbers_and_ordinals():
    a = analyse("Paid $39.99 on the 1st, ref ٤٨٢١٣ and 1,000 more")
    assert "39.99" in a.norms and "1" in a.norms and "st" not in a.norms
    assert "48213" in a.norms and "1000" in a.norms
    assert "$" in a.norms


def test_sentences_clauses_and_questions():
    a = analyse("I'll send it today, or would you prefer a refund? Thanks.")
    idx = {n: i for i, n in enumerate(a.norms)}
    assert not a.in_question[idx["send"]]
    assert a.in_question[idx["prefer"]]
    assert a.sentence[idx["thanks"]] != a.sentence[idx["send"]]
    assert a.clause[idx["send"]] != a.clause[idx["prefer"]]


def test_arabic_clitics_are_stripped_into_keys():
    assert "نرسل" in token_keys("بنرسلك")
    assert "ارسل" in token_keys(normalize_word("وسأرسل"))
    assert "عيالك" in token_keys("وعيالك")
    assert "5" in token_keys("الخمس")  # number words become digits
    # the person prefix is kept: "he will call you" is not "I will call you"
    assert "كلمك" in token_keys("هكلمك")
    assert "كلمك" not in token_keys("هيكلمك")


def test_english_keys_include_stem_and_number():
    assert "refund" in token_keys("refunded")
    assert "5" in token_keys("five")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm so sorry about the two days.", "en"),
        ("أعتذر لك عن اليومين.", "ar"),
        # Arabic with English product words is Arabic: the share of letters decides
        ("تم تصعيد الـ ticket للـ tier 2 وبيعملوا remote reset للـ ONT", "ar"),
        ("Sorry, the SLA is 48 hours, شكرًا", "en"),
        ("٤٨ 12 ... !!", "fr-default"),
        ("", "fr-default"),
    ],
)
def test_reply_language_is_the_script_most_of_its_letters_are_in(text, expected):
    assert reply_language(text, "fr-default") == expected
