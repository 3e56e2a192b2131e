"""The language packs and the learned second opinion: packs are checked data, clause cues hold
across dialects, and the model helps on replies it was never trained on."""

import math

import pytest

from app.scoring import Rubric, learned, score_reply
from app.scoring.analysis import analyse
from app.scoring.evaluation import evaluate, load_labelled, load_quiz_examples, predict
from app.scoring.language import PACKS, check_packs, clause_cues
from tests.conftest import REPO_ROOT

UNSEEN = REPO_ROOT / "bench" / "data" / "unseen_scenarios.yaml"


def test_shipped_packs_are_sound():
    assert sorted(p.name for p in PACKS.glob("lang-*.yaml")) == ["lang-ar.yaml", "lang-en.yaml"]
    assert check_packs() == []


def test_a_broken_pack_is_reported_with_file_and_class(tmp_path):
    (tmp_path / "lang-xx.yaml").write_text(
        "language: xx\nversion: 1\nclasses:\n  future_first_person:\n    phrases: will\n"
    )
    (tmp_path / "lang-yy.yaml").write_text("language: yy\nversion: 1\nclasses:\n  time: {}\n")
    problems = check_packs(tmp_path)
    assert problems == [
        f"{tmp_path / 'lang-xx.yaml'}: future_first_person: phrases must be a list",
        f"{tmp_path / 'lang-yy.yaml'}: time: an empty class",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "سأرتب لك زيارة فني",  # MSA
        "وسأتصل بك غدًا",  # MSA behind the conjunction
        "هحجزلك تركيب يوم ١٥",  # Egyptian
        "رح ابعتلك فني",  # Levantine
        "بنرسلك جهاز جديد",  # Gulf
        "غادي نصيفطلك واحد جديد",  # Maghrebi
        "I'll send a new one",
        "we're going to refund you",
    ],
)
def test_a_first_person_future_is_read_in_every_dialect(text):
    assert any("future_first_person" in cues for cues in clause_cues(analyse(text)))


def test_cues_carry_their_scope():
    (cues,) = clause_cues(analyse("I won't hide behind our policy"))
    assert "rules@neg" in cues and "rules" not in cues
    asked = clause_cues(analyse("Would you prefer a refund or a replacement?"))
    assert any("ask@q" in c for c in asked)
    assert clause_cues(analyse("سنة كاملة")) == [set()]  # a year, not "we will"


def test_a_number_stands_first_in_class_phrases_only(tmp_path):
    classes, acts = (PACKS / "lang-en.yaml").read_text(encoding="utf-8").split("\nacts:\n")
    acts_time = '    phrases: ["today", "tonight", "tomorrow",'
    assert acts.count(acts_time) == 1  # the acts section's time marker
    acts = acts.replace(acts_time, '    phrases: ["# am", "today", "tonight", "tomorrow",')
    (tmp_path / "lang-en.yaml").write_text(f"{classes}\nacts:\n{acts}", encoding="utf-8")
    assert check_packs(tmp_path) == [
        f"{tmp_path / 'lang-en.yaml'}: acts.time: '#' stands for a number in classes only"
    ]


@pytest.mark.parametrize(
    ("text", "timed"),
    [
        ("I'll ring you at 10 am", True),  # "# am": a number, then "am"
        ("I'll ring you at 10am", True),
        ("I am so sorry", False),  # the "am" of "I am" is no hour
        ("I'm sorry your internet has been down", False),
        ("سأتصل بك الساعة ١٠ صباحًا", True),
    ],
)
def test_an_hour_is_told_from_the_verb_to_be(text, timed):
    assert any("time" in cues for cues in clause_cues(analyse(text))) is timed


def test_a_state_reached_is_not_an_act_of_ours():
    (cues,) = clause_cues(analyse("Your internet has been down for two days"))
    assert "done_state" in cues and "done_first_person" not in cues
    (cues,) = clause_cues(analyse("I've refunded the charge"))
    assert "done_first_person" in cues


def test_the_model_reads_the_same_sum_as_written_down():
    model = learned.model_for("complaint-handling")
    names = ["w:sorry", "w:sorry", "w:i", "r:apology", "k:regret", "never-seen"]
    vector = learned.vector(names, model.vocabulary)
    # each known feature counted, over the square root of the known occurrences (five here:
    # "never-seen" is not in the vocabulary)
    assert "never-seen" not in model.vocabulary
    index = model.vocabulary
    assert dict(vector) == pytest.approx(
        {index[name]: count / math.sqrt(5) for name, count in
         (("w:sorry", 2), ("w:i", 1), ("r:apology", 1), ("k:regret", 1))}
    )  # fmt: skip
    opinions = model.opinions(names)
    for cid, bias, weights in zip(model.ids, model.biases, model.weights, strict=True):
        z = bias + sum(weights[i] * v for i, v in vector)
        assert opinions[cid].probability == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-3)


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("I'm so sorry, I won't quote policy at you. I've refunded the £45 today and I'll call "
         "you tomorrow at 9 to check it arrived. Would you like a receipt? Thanks, thanks again.",
         "You charged me £45 twice and nobody called back."),
        ("نعتذر منك جدا، ما كان لازم يصير هذا. رجعتلك المبلغ ٤٥ ريال اليوم وبتصل عليك بكرة، "
         "تحب أرسل لك إيصال؟ شكرا لصبرك شكرا", "خصمتوا مني ٤٥ ريال مرتين وما حد رد علي"),
        ("banana banana bandana: per our policy the fee stands", None),
    ],
)  # fmt: skip
def test_the_review_of_a_reply_reads_the_same_features_as_their_names(rubric, text, customer):
    """The scorer reads each word's weights from a kept entry; the opinions are those of the
    reply's feature names, word by word, repeated words and pieces counted alike."""
    model = learned.model_for("complaint-handling")
    bound = rubric.for_question(customer=customer)
    rules = score_reply(text, bound, "en", second_opinion=False).outcomes()
    found = {o.id: o.strength for o in rules if o.present}
    seen = learned.customer_analysis(customer) if customer else None
    names = learned.features(analyse(text), found, seen)
    by_names = model.opinions(names)
    for _ in range(2):  # words not yet kept, then kept
        reviewed = model.review(analyse(text), found, seen)
        assert reviewed.keys() == by_names.keys()
        for cid, opinion in reviewed.items():
            assert opinion.present == by_names[cid].present, cid
            assert opinion.probability == pytest.approx(by_names[cid].probability, abs=1e-3)


def test_an_unknown_rubric_is_scored_by_the_rules_alone(minimal_data):
    rubric = Rubric.from_mapping(minimal_data())
    assert learned.model_for(rubric.id) is None
    result = score_reply("so sorry", rubric, "en")
    assert result.criteria["apology"].decided_by == "rules"


def test_an_overruled_decision_says_so(rubric):
    bound = rubric.for_question(customer="The technician never came yesterday.")
    text = "Our records show nobody was home when the technician came."
    assert (
        not score_reply(text, bound, "en", second_opinion=False)
        .violations["blame_customer"]
        .present
    )
    outcome = score_reply(text, bound, "en").violations["blame_customer"]
    assert outcome.present and outcome.decided_by == "model"
    assert outcome.model_probability > 0.5 and outcome.strength < 1.0  # goes to review


def test_the_second_opinion_helps_on_replies_it_was_never_trained_on(rubric):
    """bench/data/unseen_scenarios.yaml is kept out of training (bench/train_scorer.py)."""
    replies = load_labelled(UNSEEN)
    with_model = evaluate(predict(rubric, replies), replies)
    rules = evaluate(predict(rubric, replies, second_opinion=False), replies)
    for language in ("ar", "en"):
        assert with_model[language].macro_f1 >= rules[language].macro_f1 + 0.05, language
        assert with_model[language].macro_f1 >= 0.85, language


def test_cohen_kappa_on_a_worked_example():
    from app.scoring.evaluation import cohen_kappa

    # 10 items: both yes on 4, both no on 4, one each way: observed 0.8, chance 0.5.
    first = [True] * 4 + [False] * 4 + [True, False]
    second = [True] * 4 + [False] * 4 + [False, True]
    assert cohen_kappa(first, second) == pytest.approx(0.6)
    assert cohen_kappa([True, False], [True, False]) == 1.0
    assert cohen_kappa([False] * 3, [False] * 3) == 1.0


def _replies_to_check():
    """(text, customer, key points, language) of the fresh scenarios and the quiz examples."""
    fresh = load_labelled(REPO_ROOT / "tests" / "scoring" / "data" / "fresh_scenarios.yaml")
    examples = load_quiz_examples(REPO_ROOT / "quizzes")
    return [(r.text, r.customer, r.key_points, r.language) for r in fresh + examples]


def test_the_review_computes_the_model_as_written_down(rubric):
    """The kept per-word sums and the pair and cue look-ups of the review
    features give what the model says on paper: each feature name counted, over the square
    root of the known occurrences, times its weight, plus the bias; and the same decisions."""
    model = learned.model_for("complaint-handling")
    columns = model.weights
    replies = _replies_to_check()
    assert len(replies) > 150
    for text, customer, key_points, language in replies:
        bound = rubric.for_question(key_points, {}, customer)
        rules = score_reply(text, bound, language, second_opinion=False).outcomes()
        found = {o.id: o.strength for o in rules if o.present}
        seen = learned.customer_analysis(customer) if customer else None
        a = analyse(text)
        names = learned.features(a, found, seen)
        vector = learned.vector(names, model.vocabulary)
        expected = [
            bias + sum(weights[i] * v for i, v in vector)
            for bias, weights in zip(model.biases, columns, strict=True)
        ]
        assert model.sums(a, found, seen) == pytest.approx(expected, rel=0, abs=1e-12), text
        reviewed = model.review(a, found, seen)
        by_names = model.opinions(names)
        for cid, z, (threshold, margin) in zip(model.ids, expected, model.cuts, strict=True):
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            present = (p >= threshold) if abs(p - threshold) >= margin else None
            assert reviewed[cid].present == by_names[cid].present == present, (cid, text)
            assert reviewed[cid].probability == pytest.approx(p, abs=5e-4 + 1e-12)
