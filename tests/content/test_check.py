import time

from app.content.services import check_content
from tests.content_tree import add_course, write


def _lines(root):
    return [str(p) for p in check_content(root)[1]]


def test_valid_tree_has_no_problems(content_root):
    assert _lines(content_root) == []


def test_schema_errors_name_file_line_and_field(content_root):
    write(content_root, "quizzes/basics-quiz.yaml", """
        id: basics-quiz
        course: basics
        title: Quiz
        pass_mark: 170
        questions:
          - id: q1
            type: single_choice
            prompt: "Pick"
            choices:
              - {id: a, text: "A"}
              - {id: b, text: "B"}
          - id: q2
            type: essay
        """)  # fmt: skip
    problems = _lines(content_root)
    assert problems[:2] == [
        "quizzes/basics-quiz.yaml:4: pass_mark: Input should be less than or equal to 100",
        "quizzes/basics-quiz.yaml:6: questions[0]: exactly one choice must have correct: true",
    ]
    assert problems[2].startswith(
        "quizzes/basics-quiz.yaml:13: questions[1].type: unknown question type 'essay' (known: "
    )
    assert "single_choice" in problems[2] and len(problems) == 3


def test_broken_yaml_gives_the_line(content_root):
    write(content_root, "courses/basics/course.yaml", "id: basics\ntier: [1\n")
    problems = _lines(content_root)
    assert problems[0].startswith("courses/basics/course.yaml:3: -: invalid YAML")


def test_unsafe_tags_and_aliases_are_refused(content_root):
    write(content_root, "quizzes/basics-quiz.yaml", "id: !!python/object/apply:os.system [ls]\n")
    write(content_root, "courses/paths.yaml", "a: &x [1, 2]\nb: [*x, *x]\n")
    problems = _lines(content_root)
    assert any(p.startswith("quizzes/basics-quiz.yaml:1: -: invalid YAML") for p in problems)
    assert "courses/paths.yaml:2: -: YAML aliases (*name) are not allowed" in problems


def test_unknown_course_and_prerequisite_cycle(content_root):
    add_course(content_root, "basics", requires="[talking]", quizzes="[basics-quiz]")
    add_course(content_root, "extra", requires="[nowhere]")
    problems = _lines(content_root)
    assert "courses/extra/course.yaml:5: requires[0]: unknown course 'nowhere'" in problems
    assert any("prerequisite cycle: " in p and "basics" in p and "talking" in p for p in problems)


def test_missing_and_unlisted_lesson_files(content_root):
    (content_root / "courses/basics/lessons/02-second.ar.md").unlink()
    write(content_root, "courses/basics/lessons/03-stray.en.md", "text")
    problems = _lines(content_root)
    assert (
        "courses/basics/course.yaml:9: lessons[1].id: lesson file "
        "courses/basics/lessons/02-second.ar.md is missing" in problems
    )
    assert any(p.startswith("courses/basics/lessons/03-stray.en.md:1:") for p in problems)


def test_cli_check_exit_code(app, runner, content_root, monkeypatch):
    monkeypatch.setitem(app.config, "CONTENT_DIR", content_root)
    assert runner.invoke(args=["content", "check"]).exit_code == 0
    write(content_root, "courses/paths.yaml", "paths:\n  - id: x\n    title: X\n    courses: []\n")
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code != 0
    expected = "courses/paths.yaml:4: paths[0].courses: List should have at least 1 item"
    assert expected in result.output


def test_deep_nesting_is_one_problem_at_its_line_and_costs_little(
    app, runner, content_root, monkeypatch
):
    """5,000 nested lists once made the check die of a RecursionError after seconds of CPU."""
    monkeypatch.setitem(app.config, "CONTENT_DIR", content_root)
    quiz = (content_root / "quizzes/basics-quiz.yaml").read_text(encoding="utf-8")
    deep = quiz + "notes:\n  x: " + "[" * 5000 + "]" * 5000 + "\n"
    (content_root / "quizzes/basics-quiz.yaml").write_text(deep, encoding="utf-8")
    line = quiz.count("\n") + 2
    started = time.perf_counter()
    result = runner.invoke(args=["content", "check"])
    elapsed = time.perf_counter() - started
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    expected = f"quizzes/basics-quiz.yaml:{line}: -: invalid YAML: nesting deeper than"
    assert expected in result.output, result.output[-500:]
    assert elapsed < 3, f"the check took {elapsed:.1f} s"


def test_deep_block_nesting_is_refused_too(content_root):
    text = "a:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 200)) + "\n"
    write(content_root, "courses/paths.yaml", text)
    problems = _lines(content_root)
    assert any(
        p.startswith("courses/paths.yaml:") and "nesting deeper than" in p for p in problems
    ), problems


def test_an_oversized_lesson_file_is_reported_not_loaded(content_root):
    lesson = content_root / "courses/basics/lessons/01-first.en.md"
    lesson.write_text("## First\n\n" + "word " * 220_000, encoding="utf-8")
    problems = _lines(content_root)
    assert "courses/basics/lessons/01-first.en.md:1: -: the file is larger than 1 MiB" in problems


def test_bidi_controls_and_zero_width_characters_in_content_are_reported(content_root):
    course = content_root / "courses/basics/course.yaml"
    course.write_text(
        course.read_text(encoding="utf-8").replace('en: "Course basics"', 'en: "Course\u202e"'),
        encoding="utf-8",
    )
    write(content_root, "courses/basics/lessons/01-first.en.md", "## First\n\nA\u200bB\n")
    problems = _lines(content_root)
    invisible = "contains an invisible, control or direction-changing character"
    assert problems == [
        f"courses/basics/course.yaml:3: title.en: {invisible}: U+202E RIGHT-TO-LEFT OVERRIDE",
        f"courses/basics/lessons/01-first.en.md:3: -: {invisible}: U+200B ZERO WIDTH SPACE",
    ]
