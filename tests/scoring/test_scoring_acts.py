"""Speech acts of a reply's clauses (app/scoring/acts.py): who acts, when, in what mood; the
packs' acts sections are checked data; criteria set aside candidates that are not firm acts of
the agent, and the explanation says why."""

import pytest

from app.scoring import Rubric, RubricError, score_reply
from app.scoring.acts import clause_acts
from app.scoring.analysis import analyse
from app.scoring.language import PACKS, check_packs


def acts_of(text):
    a = analyse(text)
    return [(" ".join(a.norms[x.first : x.last + 1]), x) for x in clause_acts(a)]


def only_act(text):
    (found,) = acts_of(text)
    return found[1]


@pytest.mark.parametrize(
    "text, person, aspect, timed",
    [
        ("I'll call you tomorrow at 5 pm", "first", "future", True),
        ("We've refunded the 50 pounds", "first", "done", True),
        ("I refunded the delivery charge", "first", "done", False),
        ("The courier will call you", "third", "future", False),
        ("You should have checked the page", "second", "done", False),
        ("سأتصل بك شخصيًا غدًا الساعة العاشرة", "first", "future", True),  # MSA
        ("هحجزلك فني يوم ١٥", "first", "future", True),  # Egyptian
        ("رح نرجعلك المبلغ اليوم", "first", "future", True),  # Levantine
        ("غادي نرجعو ليك الفلوس", "first", "future", False),  # Maghrebi
        ("حجزتلك موعد", "first", "done", False),  # Gulf, done for you
        ("المندوب هيتصل بيك بكرة", "third", "future", True),
    ],
)
def test_who_acts_and_when(text, person, aspect, timed):
    act = only_act(text)
    assert (act.person, act.aspect, act.timed) == (person, aspect, timed)


@pytest.mark.parametrize(
    "text, modality",
    [
        ("We might send a replacement", "hypothetical"),
        ("Please send us the photos", "request"),
        ("Would you like a refund?", "question"),
        ("If you send the receipt we will refund you", "conditional"),
        ("ممكن نشوف الموضوع", "hypothetical"),
        ("لو سمحت ابعت الصور", "request"),
        ("كان المفروض تقرا الشروط", "obligation"),
        ("I'll send it today", ""),
    ],
)
def test_the_mood_of_a_clause(text, modality):
    assert only_act(text).modality == modality


def test_a_condition_that_opens_a_sentence_governs_the_next_clause():
    for text in (
        "If you send us the photos, we will refund you.",
        "لو بعتلي الصور، هرجعلك المبلغ.",
    ):
        (_, condition), (_, promise) = acts_of(text)
        assert condition.modality == promise.modality == "conditional"
        assert promise.person == "first" and not promise.commitment


def test_negated_and_quoted_clauses():
    said, quoted, rest = acts_of('You said "I will never pay" on the call.')
    assert quoted[1].quoted and quoted[1].negated and not quoted[1].commitment
    assert not said[1].quoted and not rest[1].quoted
    assert only_act("ما راح أحولك على أحد").negated
    assert acts_of("قال «سنعوضك» ثم اختفى")[1][1].quoted


def test_commitments_and_faults():
    assert only_act("I've booked the engineer for 10 am tomorrow").commitment
    assert only_act("وسأرسل لك جهازًا بديلًا اليوم").commitment
    assert not only_act("We'll try to sort it").commitment
    assert only_act("You should have read the terms").customer_fault
    assert only_act("Our records show you didn't answer the door").customer_fault
    assert not only_act("I should have called you").customer_fault


# -- the rule stage: candidates set aside, with their reason --------------------------------

REMEDY = "refund|refunded|book|booked|replace|replaced|arrange|arranged"


@pytest.fixture
def acts_rubric(rubric):
    """The shipped rubric with commit_action and follow_up reading the speech acts."""
    commit = rubric._by_id["commit_action"].data["patterns"]
    return rubric.for_question(overrides={
        "commit_action": {
            "reject_acts": ["conditional", "hypothetical", "quoted"],
            "patterns": {"ar": commit["ar"],
                         "en": [*commit["en"], {"match": REMEDY, "acts": "commitment"}]},
        },
        "follow_up": {"reject_acts": ["hypothetical", "quoted", "third_party"]},
    })  # fmt: skip


@pytest.mark.parametrize(
    "text, criterion, words, reason",
    [
        ("If you send us the photos, we will refund you.", "commit_action", "refund", "conditional"),
        ("We might refund you next week.", "commit_action", "refund", "hypothetical"),
        ('Your message said "we will refund you today" and we did not.', "commit_action", "refund",
         "quoted"),
        ("The courier will call you tomorrow.", "follow_up", "will call you tomorrow",
         "refers to a third party"),
        ("لو بعتلي الصور، هرجعلك المبلغ.", "commit_action", "هرجعلك المبلغ", "conditional"),
    ],
)  # fmt: skip
def test_rejected_candidates_are_named_with_their_reason(
    rubric, acts_rubric, text, criterion, words, reason
):
    outcome = {
        o.id: o for o in score_reply(text, acts_rubric, "en", second_opinion=False).outcomes()
    }[criterion]
    assert not outcome.present
    assert {"words": words, "reason": reason} in outcome.explanation()["rejected"]
    # without reject_acts the same candidate counts (or is set aside for another reason)
    plain = {o.id: o for o in score_reply(text, rubric, "en", second_opinion=False).outcomes()}[
        criterion
    ]
    assert {"words": words, "reason": reason} not in plain.explanation()["rejected"]


def test_a_plain_commitment_counts(rubric, acts_rubric):
    text = "So I booked for you a furnished apartment near your home."
    assert (
        score_reply(text, acts_rubric, "en", second_opinion=False).criteria["commit_action"].present
    )
    assert (
        not score_reply(text, rubric, "en", second_opinion=False).criteria["commit_action"].present
    )
    for text in ("I've refunded the 74 AED now.", "هرجعلك المبلغ بكرة"):
        assert (
            score_reply(text, acts_rubric, "en", second_opinion=False)
            .criteria["commit_action"]
            .present
        )


# -- checked data: packs and rubrics --------------------------------------------------------

_CLASSES = "classes:\n  time:\n    phrases: [today]\n"


def _pack(tmp_path, acts: str):
    (tmp_path / "lang-xx.yaml").write_text(f"language: xx\nversion: 1\n{_CLASSES}{acts}")
    return str(tmp_path / "lang-xx.yaml")


def _full_acts(**changes) -> str:
    names = ["first_person", "second_person", "third_person", "future", "done", "now", "time",
             "conditional", "hypothetical", "request", "obligation"]  # fmt: skip
    lines = {name: f"  {name}:\n    phrases: [w{n}]\n" for n, name in enumerate(names)}
    lines.update(changes)
    return "acts:\n" + "".join(v for v in lines.values() if v)


def test_the_shipped_packs_define_every_act_marker():
    assert check_packs(PACKS) == []


@pytest.mark.parametrize(
    "acts, message",
    [
        ("", "acts: must be a mapping of speech-act markers"),
        (_full_acts(future=""), "acts.future: missing"),
        (_full_acts(extra="  tense:\n    phrases: [x]\n"), "acts.tense: unknown marker"),
        (_full_acts(done="  done:\n    phrases: done\n"), "acts.done: phrases must be a list"),
        (_full_acts(now="  now: {}\n"), "acts.now: an empty class"),
        (_full_acts(q="  quotes: [\"<<>>\"]\n"), "acts.quotes: '<<>>' must be two characters"),
        (_full_acts(p="  imperfect_persons: {first_person: [ab]}\n"),
         "acts.imperfect_persons.first_person: must be a list of letters"),
    ],
)  # fmt: skip
def test_a_broken_acts_section_names_file_and_section(tmp_path, acts, message):
    path = _pack(tmp_path, acts + "engine:\n  negators: [no]\n")
    (problem,) = check_packs(tmp_path)
    assert problem.startswith(f"{path}: ") and message in problem


def test_a_rubric_names_an_unknown_act(minimal_data):
    data = minimal_data()
    data["criteria"][0]["reject_acts"] = ["quoted", "sarcastic"]
    data["criteria"][1]["patterns"]["en"] = [{"match": "your ~1 fault", "acts": "rude"}]
    with pytest.raises(RubricError) as caught:
        Rubric.from_mapping(data)
    paths = {".".join(str(p) for p in path) for path, _ in caught.value.errors}
    assert "criteria.0.reject_acts.1" in paths and "criteria.1.patterns.en.0.acts" in paths


@pytest.mark.parametrize(
    "engine, message",
    [
        ("  units: {fortnights: [x]}\n", "engine.units: unknown unit 'fortnights'"),
        (
            "  implied_amounts: {twice: [2]}\n",
            "engine.implied_amounts.twice: must be [amount, unit]",
        ),
        ("  implied_pairs: {half: [0.5, hour]}\n", "engine.implied_pairs.half: must be two words"),
        ("  confusable_letters: [abc]\n", "engine.confusable_letters: 'abc' must be two letters"),
    ],
)
def test_a_broken_engine_amount_names_file_and_section(tmp_path, engine, message):
    path = _pack(tmp_path, _full_acts() + "engine:\n" + engine)
    assert check_packs(tmp_path) == [f"{path}: {message}"]
