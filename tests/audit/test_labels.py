"""Every action the app records in the audit log, and every field its entries hold, has a
translated name: the log and its exports never show a stored code such as "sso_sign_in"."""

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from app import references
from app.audit import labels
from app.people.services import PERSON_FIELDS

APP = Path(__file__).resolve().parents[2] / "app"
# Codes built from a variable: the pattern as written, and the codes it makes.
BUILT_CODES = {"{kind}_saved": {"department_saved", "team_saved"}}
# Keys that hold ids (or codes) of other things without ending in "_id".
REFERENCE_KEYS = {"certification", "conversation", "critical", "reviewers"}
# Object types whose stored reference is what a reader knows them by: a file name, a version.
SELF_NAMED_OBJECTS = {"import", "standards_version"}


def _record_calls():
    """(module tree, enclosing function, call) of every audit.record(...) in the app."""
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "record" and isinstance(node.func.value, ast.Name)
                        and node.func.value.id == "audit"):  # fmt: skip
                    yield tree, function, node


def _strings(node) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)}  # fmt: skip


def _outcomes(node) -> set[str]:
    """The strings an expression can be: both branches of "a" if ... else "b"."""
    if isinstance(node, ast.IfExp):
        return _outcomes(node.body) | _outcomes(node.orelse)
    return _strings(node)


def _action_codes(function, argument) -> set[str]:
    if isinstance(argument, ast.JoinedStr):
        pattern = "".join(
            part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
            for part in argument.values
        )
        assert pattern in BUILT_CODES, f"a new built action code: {pattern}"
        return BUILT_CODES[pattern]
    if isinstance(argument, ast.Name):  # action = "a" if ... else "b"
        assigned = [n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                    and any(getattr(t, "id", None) == argument.id for t in n.targets)]  # fmt: skip
        return set().union(*(_outcomes(value) for value in assigned))
    return _outcomes(argument)


def _returned_keys(tree, name: str) -> set[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return {key.value for ret in ast.walk(node) if isinstance(ret, ast.Return)
                    for d in ast.walk(ret) if isinstance(d, ast.Dict)
                    for key in d.keys if isinstance(key, ast.Constant)}  # fmt: skip
    return set()


def _field_keys(tree, call) -> set[str]:
    keys = set()
    for keyword in call.keywords:
        if keyword.arg not in ("before", "after"):
            continue
        for node in ast.walk(keyword.value):
            if isinstance(node, ast.Dict):
                keys |= {k.value for k in node.keys if isinstance(k, ast.Constant)}
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                keys |= _returned_keys(tree, node.func.id)
    return keys


def test_every_recorded_action_has_a_name():
    codes = set()
    for _tree, function, call in _record_calls():
        codes |= _action_codes(function, call.args[0])
    assert len(codes) >= 30  # the scan finds the calls
    assert sorted(codes - set(labels.ACTIONS)) == []


def test_every_recorded_object_and_field_has_a_name():
    objects, fields = set(), set(PERSON_FIELDS)
    for tree, _function, call in _record_calls():
        objects |= _strings(call.args[1])
        fields |= _field_keys(tree, call)
    assert {"score", "due_date", "ratings", "issuer", "scopes"} <= fields  # the scan reads them
    assert sorted(objects - set(labels.OBJECTS)) == []
    assert sorted(fields - set(labels.FIELDS)) == []


def test_every_name_is_translated_into_arabic(app):
    with app.test_request_context(), force_locale("ar"):
        for table in (labels.ACTIONS, labels.OBJECTS, labels.FIELDS):
            untranslated = [code for code, name in table.items() if str(name) == name._args[0]]
            assert untranslated == []


def test_a_change_reads_field_old_new_with_codes_named(app):
    with app.test_request_context(), force_locale("ar"):
        lines = labels.change_lines("person_updated", {"role": "agent", "locale": "en"},
                                    {"role": "manager", "locale": "ar"})  # fmt: skip
    assert lines == ["الدور: موظف خدمة → مشرف", "اللغة: الإنجليزية → العربية"]


def _recorded_keys_and_objects() -> tuple[set[str], set[str]]:
    fields, objects = set(PERSON_FIELDS), set()
    for tree, _function, call in _record_calls():
        objects |= _strings(call.args[1])
        fields |= _field_keys(tree, call)
    return fields, objects


def test_every_recorded_reference_has_a_namer(app):
    """An entry never shows "Person: 16": every key holding an id, and every object type, is
    named by the capability that owns it."""
    fields, objects = _recorded_keys_and_objects()
    fields |= set(labels.FIELDS)  # keys the scan cannot see (built from a form's values)
    wanted = {key for key in fields if key.endswith("_id")} | REFERENCE_KEYS
    assert {"user_id", "course_id", "team_id", "manager_id", "answer_id"} <= wanted
    assert fields >= REFERENCE_KEYS  # the list names keys that are recorded
    assert sorted(wanted - references.reference_keys()) == []
    assert sorted(objects - SELF_NAMED_OBJECTS - references.named_objects()) == []


def test_a_key_claimed_by_two_kinds_is_refused_at_start(app):
    with pytest.raises(ValueError, match="'user_id' holds ids of 'person' already"):
        references.register("someone", lambda ids, lang: {}, keys=("user_id",))
    with pytest.raises(ValueError, match="'course' has a namer already"):
        references.register("course", lambda ids, lang: {})
