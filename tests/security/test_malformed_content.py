"""Broken content files give path:line problems and load nothing; never a traceback."""

import random
import re
import shutil
import time
import zlib

import pytest
from sqlalchemy import func, select

from app.content.models import ContentVersion
from app.content.services import ContentError, check_content, sync_content
from app.extensions import db
from tests.conftest import REPO_ROOT

PROBLEM = re.compile(r"^[\w./-]+\.(yaml|md):\d+: \S+: .+")


@pytest.fixture
def tree(tmp_path):
    for folder in ("courses", "quizzes", "standards"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    return tmp_path


def _mutations(text: str, seed: int):
    rng = random.Random(seed)
    cut = rng.randrange(1, max(2, len(text) - 1))
    lines = text.splitlines()
    line = rng.randrange(len(lines))
    yield "truncated", text[:cut].encode()
    yield "bad utf-8", text.encode()[:cut] + b"\xff\xfe" + text.encode()[cut:]
    yield "tab indent", "\n".join(lines[:line] + ["\t" + lines[line]] + lines[line + 1 :]).encode()
    yield "python tag", (text + "\nexploit: !!python/object/apply:os.system ['true']\n").encode()
    yield "alias bomb", b'a: &a ["x","x","x","x"]\nb: &b [*a,*a,*a,*a]\nc: [*b,*b,*b,*b]\n'
    yield "wrong types", re.sub(r": (\w[^\n]*)", r": [\1]", text, count=3).encode()
    yield "not a mapping", b"- just\n- a list\n"
    yield "empty", b""


def _content_files():
    return [
        REPO_ROOT / "quizzes/product-basics-quiz.yaml",
        REPO_ROOT / "standards/standards.yaml",
        REPO_ROOT / "courses/paths.yaml",
        REPO_ROOT / "courses/complaint-handling/course.yaml",
    ]


# A cut or a tab can land where the file is still valid YAML (after a whole entry, on a comment
# line): those must simply not break the check. Every other mutation must be reported.
MAY_STAY_VALID = {"truncated", "tab indent"}


@pytest.mark.parametrize("source", _content_files(), ids=lambda p: p.name)
def test_each_mutation_is_reported_with_a_line(tree, source):
    relative = source.relative_to(REPO_ROOT)
    original = source.read_text(encoding="utf-8")
    for kind, data in _mutations(original, zlib.crc32(str(relative).encode()) % 1000):
        (tree / relative).write_bytes(data)
        problems = [str(p) for p in check_content(tree)[1]]
        assert problems or kind in MAY_STAY_VALID, f"{relative} {kind}: accepted"
        assert all(PROBLEM.match(p) for p in problems), f"{relative} {kind}: {problems[:3]}"
    (tree / relative).write_text(original, encoding="utf-8")


def test_a_broken_file_loads_nothing(app, tree):
    (tree / "standards/standards.yaml").write_bytes(b"version: [1\n")
    with pytest.raises(ContentError):
        sync_content(tree)
    db.session.rollback()
    assert db.session.scalar(select(func.count(ContentVersion.id))) == 0


def test_deeply_nested_file_is_shown_on_the_content_page_not_a_500(
    app, client, login_as, tree, monkeypatch
):
    """One bad file must not make the content page unusable (it once answered 500 after 13 s)."""
    monkeypatch.setitem(app.config, "CONTENT_DIR", tree)
    (tree / "standards/standards.yaml").write_text("x: " + "[" * 5000 + "]" * 5000 + "\n")
    login_as("admin")
    started = time.perf_counter()
    page = client.get("/admin/content")
    assert page.status_code == 200
    assert "standards/standards.yaml:1: -: invalid YAML: nesting deeper than" in page.text
    synced = client.post("/admin/content/sync", follow_redirects=True)
    assert synced.status_code == 200 and "Nothing was loaded" in synced.text
    assert time.perf_counter() - started < 5
    assert db.session.scalar(select(func.count(ContentVersion.id))) == 0
