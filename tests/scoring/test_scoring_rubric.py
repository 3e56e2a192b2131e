"""Rubric validation (every error with its path), per-question binding and the matcher registry."""

import copy
import gc

import pytest
import yaml

from app.scoring import Rubric, RubricError, score_reply
from app.scoring.matchers import MATCHERS, Matcher, matcher_class, register


def _errors(data) -> list[tuple[tuple, str]]:
    with pytest.raises(RubricError) as info:
        Rubric.from_mapping(data)
    return info.value.errors


def _paths(data) -> list[tuple]:
    return [path for path, _ in _errors(data)]


def test_minimal_rubric_compiles_and_scores(minimal_data):
    rubric = Rubric.from_mapping(minimal_data())
    result = score_reply("So sorry!", rubric, "en")
    assert result.score == 100 and result.criteria["apology"].present


def test_the_shipped_rubric_is_valid_and_has_the_contract_ids(rubric_path):
    rubric = Rubric.load(rubric_path)
    assert [c.id for c in rubric.required] == [
        "apology",
        "empathy",
        "restate",
        "ask_resolution",
        "commit_action",
        "thanks",
        "follow_up",
    ]
    assert [c.id for c in rubric.forbidden] == [
        "policy_speak",
        "needless_transfer",
        "blame_customer",
        "jargon",
    ]
    assert rubric["blame_customer"].critical
    assert rubric["restate"].standard == "STD-03"


def test_unknown_field_and_wrong_types(minimal_data):
    data = minimal_data()
    data["colour"] = "blue"
    data["criteria"][0]["wieght"] = 3
    data["criteria"][0]["critical"] = "yes"
    data["criteria"][1]["weight"] = "heavy"
    paths = _paths(data)
    assert ("colour",) in paths
    assert ("criteria", 0, "wieght") in paths
    assert ("criteria", 0, "critical") in paths
    assert ("criteria", 1, "weight") in paths


def test_missing_feedback_language_and_key(minimal_data):
    data = minimal_data()
    data["criteria"][0]["feedback"]["met"] = {"en": "only English"}
    del data["criteria"][1]["feedback"]["avoided"]
    paths = _paths(data)
    assert ("criteria", 0, "feedback", "met", "ar") in paths
    assert ("criteria", 1, "feedback", "avoided") in paths


def test_duplicate_ids_and_unknown_kind(minimal_data):
    data = minimal_data()
    data["criteria"].append(copy.deepcopy(data["criteria"][0]))
    data["criteria"][1]["kind"] = "optional"
    paths = _paths(data)
    assert ("criteria", 2, "id") in paths
    assert ("criteria", 1, "kind") in paths


def test_invalid_pattern_has_its_path(minimal_data):
    data = minimal_data()
    data["criteria"][0]["patterns"]["ar"].append("@unknown_class")
    data["criteria"][1]["patterns"]["en"].append("fault ~")
    errors = dict(_errors(data))
    assert "unknown word class" in errors[("criteria", 0, "patterns", "ar", 1)]
    assert ("criteria", 1, "patterns", "en", 1) in errors


def test_unknown_matcher_and_language(minimal_data):
    data = minimal_data()
    data["criteria"][0]["matcher"] = "neural"
    data["criteria"][1]["patterns"]["fr"] = ["faute"]
    errors = dict(_errors(data))
    assert "unknown matcher 'neural'" in errors[("criteria", 0, "matcher")]
    assert ("criteria", 1, "patterns", "fr") in errors


def test_critical_only_on_forbidden(minimal_data):
    data = minimal_data()
    data["criteria"][0]["critical"] = True
    assert ("criteria", 0, "critical") in _paths(data)


@pytest.mark.parametrize("collecting", [True, False])
def test_loading_a_rubric_leaves_the_garbage_collector_as_it_found_it(
    rubric_path, tmp_path, collecting
):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ncriteria: 3\n", encoding="utf-8")
    before = gc.isenabled()
    try:
        (gc.enable if collecting else gc.disable)()
        Rubric.load(rubric_path)
        assert gc.isenabled() is collecting
        with pytest.raises(RubricError):
            Rubric.load(broken)
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if before else gc.disable)()


def test_a_rubric_is_compiled_with_the_garbage_collector_paused(rubric_path, monkeypatch):
    from app.scoring import rubric as rubric_module

    seen = []
    compile_classes = rubric_module._compile_classes

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return compile_classes(*args, **kwargs)

    monkeypatch.setattr(rubric_module, "_compile_classes", watched)
    data = yaml.safe_load(rubric_path.read_text(encoding="utf-8"))
    assert gc.isenabled()
    Rubric.from_mapping(data)  # how the app compiles its rubrics
    Rubric.load(rubric_path)
    assert seen == [False, False] and gc.isenabled()


def test_the_collector_pause_nests_and_survives_an_error():
    from app.scoring.collector import collector_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause left the outer one in force
        raise RuntimeError("failed build")
    assert gc.isenabled()


def test_yaml_errors_round_trip_through_safe_load(rubric_path):
    text = rubric_path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["criteria"][3]["patterns"]["ar"][2] = "~3"
    assert ("criteria", 3, "patterns", "ar", 2) in _paths(data)


def test_for_question_overrides(rubric):
    q = rubric.for_question(
        overrides={
            "apology": {"weight": 30},
            "mention-router": {
                "kind": "required",
                "weight": 5,
                "title": {"en": "Router", "ar": "الراوتر"},
                "feedback": {
                    "met": {"en": "ok", "ar": "تمام"},
                    "missed": {"en": "mention it", "ar": "اذكره"},
                },
                "patterns": {"en": ["router"], "ar": ["راوتر"]},
            },
        }
    )
    assert q["apology"].weight == 30
    result = score_reply("Sorry, the router will be replaced.", q, "en")
    assert result.criteria["mention-router"].present
    assert rubric["apology"].weight == 15  # the shared rubric is untouched


def test_bad_overrides_and_key_points(rubric):
    with pytest.raises(RubricError) as info:
        rubric.for_question(
            key_points=[["ok"], [], "x"],
            overrides={"apology": {"weight": -1}, "new-one": {"kind": "required"}},
        )
    paths = [p for p, _ in info.value.errors]
    assert ("key_points", 1) in paths and ("key_points", 2) in paths
    assert ("overrides", "apology", "weight") in paths
    assert ("overrides", "new-one", "title") in paths


def test_key_point_without_words(rubric):
    with pytest.raises(RubricError) as info:
        rubric.for_question(key_points=[["fine"], ["!!!"]])
    assert [p for p, _ in info.value.errors] == [("key_points", 1, 0)]


def test_key_points_are_plain_text(rubric):
    q = rubric.for_question(key_points=[["#1 priority", "$45"]], customer="I was charged $45 twice")
    result = score_reply("Your $45 refund is done.", q, "en")
    assert result.criteria["restate"].present


def test_matcher_registry():
    assert matcher_class("phrases") is MATCHERS["phrases"]
    with pytest.raises(KeyError, match="unknown matcher"):
        matcher_class("nope")

    class Twice(Matcher):
        name = "phrases"

    with pytest.raises(ValueError, match="registered twice"):
        register(Twice)
