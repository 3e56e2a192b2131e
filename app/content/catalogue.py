"""Reading all content from disk into validated objects, with every problem as file:line."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from app.content.schemas import CertificationsFile, CourseFile, PathsFile, StandardsFile
from app.conversations.schemas import ScorecardsFile
from app.quizzes.files import LoadedQuiz, load_quiz_source
from app.text import character_problem, refused_character
from app.yaml_source import Problem, SourceFile, load_yaml, read_text, validate

LANGUAGES = ("ar", "en")


@dataclass
class LoadedCourse:
    source: SourceFile
    course: CourseFile
    lesson_bodies: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> lang -> md
    folder: Path | None = None


@dataclass
class Catalogue:
    root: Path
    courses: dict[str, LoadedCourse] = field(default_factory=dict)
    paths: PathsFile | None = None
    paths_source: SourceFile | None = None
    quizzes: dict[str, LoadedQuiz] = field(default_factory=dict)
    rubrics: dict[str, dict] = field(default_factory=dict)
    rubric_sources: dict[str, SourceFile] = field(default_factory=dict)
    standards: StandardsFile | None = None
    standards_source: SourceFile | None = None
    certifications: CertificationsFile | None = None
    certifications_source: SourceFile | None = None
    scorecards: ScorecardsFile | None = None
    scorecards_source: SourceFile | None = None
    digest: str = ""
    # Ids of files that failed to load: references to them are not reported a second time.
    broken: set[str] = field(default_factory=set)


def _rel(root: Path, path: Path) -> str:
    return str(path.relative_to(root))


def load_catalogue(root: Path) -> tuple[Catalogue, list[Problem]]:
    """Load courses/, quizzes/ and standards/ below root; never raises for bad content."""
    catalogue = Catalogue(root=root)
    problems: list[Problem] = []
    _load_courses(catalogue, problems)
    _load_paths(catalogue, problems)
    _load_rubrics(catalogue, problems)
    _load_quizzes(catalogue, problems)
    _load_standards(catalogue, problems)
    _load_certifications(catalogue, problems)
    _load_scorecards(catalogue, problems)
    catalogue.digest = content_digest(root)
    return catalogue, problems


def content_files(root: Path) -> list[Path]:
    files = []
    for folder in ("courses", "quizzes", "standards"):
        base = root / folder
        if base.is_dir():
            files.extend(p for p in base.rglob("*") if p.is_file() and not p.name.startswith("."))
    return sorted(files)


def content_stamp(root: Path) -> str:
    """A hash of every content file's path, modification time and size: cheap to take, and
    it changes whenever a file is added, removed or written."""
    digest = hashlib.sha256()
    for path in content_files(root):
        info = path.stat()
        digest.update(f"{_rel(root, path)}\0{info.st_mtime_ns}\0{info.st_size}\0".encode())
    return digest.hexdigest()


def content_digest(root: Path) -> str:
    """One hash over every content file's path and bytes: equal hash, nothing to sync."""
    digest = hashlib.sha256()
    for path in content_files(root):
        digest.update(_rel(root, path).encode() + b"\0")
        with path.open("rb") as stream:  # in pieces: a huge stray file is hashed, not loaded
            for piece in iter(lambda: stream.read(1 << 20), b""):
                digest.update(piece)
        digest.update(b"\0")
    return digest.hexdigest()


def _load_courses(catalogue: Catalogue, problems: list[Problem]) -> None:
    base = catalogue.root / "courses"
    for course_file in sorted(base.glob("*/course.yaml")):
        source, errors = load_yaml(course_file, _rel(catalogue.root, course_file))
        problems.extend(errors)
        course = validate(CourseFile, source, problems) if source is not None else None
        if course is None:
            catalogue.broken.add(course_file.parent.name)
            continue
        if course.id != course_file.parent.name:
            problems.append(source.problem(("id",), "must equal the folder name"))
            continue
        loaded = LoadedCourse(source, course, folder=course_file.parent)
        _load_lessons(catalogue, loaded, problems)
        catalogue.courses[course.id] = loaded


def _load_lessons(catalogue: Catalogue, loaded: LoadedCourse, problems: list[Problem]) -> None:
    folder = loaded.folder / "lessons"
    expected = set()
    seen = set()
    for index, lesson in enumerate(loaded.course.lessons):
        if lesson.id in seen:
            problems.append(loaded.source.problem(("lessons", index, "id"), "duplicate lesson id"))
        seen.add(lesson.id)
        bodies = {}
        for lang in LANGUAGES:
            name = f"{index + 1:02d}-{lesson.id}.{lang}.md"
            expected.add(name)
            path = folder / name
            if not path.is_file():
                message = f"lesson file {_rel(catalogue.root, path)} is missing"
                problems.append(loaded.source.problem(("lessons", index, "id"), message))
                continue
            text, errors = read_text(path, _rel(catalogue.root, path))
            problems.extend(errors)
            if text is not None:
                _check_lesson_text(text, _rel(catalogue.root, path), problems)
                bodies[lang] = text
        loaded.lesson_bodies[lesson.id] = bodies
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            if path.name not in expected:
                message = "lesson file not listed in course.yaml (or numbered out of order)"
                problems.append(Problem(_rel(catalogue.root, path), 1, "-", message))


def _check_lesson_text(text: str, display: str, problems: list[Problem]) -> None:
    """A lesson follows the rule of free text (app/text.py), reported at the first line that
    breaks it."""
    char = refused_character(text, multiline=True)
    if char is not None:
        line = text.count("\n", 0, text.index(char)) + 1
        problems.append(Problem(display, line, "-", character_problem(char).message))


def _load_single(catalogue: Catalogue, relative: str, schema, problems: list[Problem]):
    """(source, validated model) of an optional one-of-a-kind file; (None, None) if absent."""
    path = catalogue.root / relative
    if not path.exists():
        return None, None
    source, errors = load_yaml(path, relative)
    problems.extend(errors)
    if source is None:
        return None, None
    return source, validate(schema, source, problems)


def _load_paths(catalogue: Catalogue, problems: list[Problem]) -> None:
    catalogue.paths_source, catalogue.paths = _load_single(
        catalogue, "courses/paths.yaml", PathsFile, problems
    )


def _load_rubrics(catalogue: Catalogue, problems: list[Problem]) -> None:
    paths = sorted((catalogue.root / "quizzes" / "rubrics").glob("*.yaml"))
    if not paths:
        return
    from app.scoring import Rubric, RubricError

    for path in paths:
        source, errors = load_yaml(path, _rel(catalogue.root, path))
        problems.extend(errors)
        if source is None:
            continue
        if not isinstance(source.data, dict):
            problems.append(source.problem((), "a rubric file must be a mapping"))
            continue
        try:
            Rubric.from_mapping(source.data)
        except RubricError as exc:
            problems.extend(source.problem(loc, message) for loc, message in exc.errors)
            continue
        rubric_id = source.data.get("id", path.stem)
        if rubric_id != path.stem:
            problems.append(source.problem(("id",), "must equal the file name"))
            continue
        catalogue.rubrics[rubric_id] = source.data
        catalogue.rubric_sources[rubric_id] = source


def _load_quizzes(catalogue: Catalogue, problems: list[Problem]) -> None:
    for path in sorted((catalogue.root / "quizzes").glob("*.yaml")):
        if path.name.upper() == path.name or path.stem == "EXAMPLE":
            continue  # documentation files such as EXAMPLE.yaml
        source, errors = load_yaml(path, _rel(catalogue.root, path))
        problems.extend(errors)
        before = len(problems)
        loaded = load_quiz_source(source, catalogue.rubrics, problems) if source else None
        if loaded is None or len(problems) > before:
            catalogue.broken.add(path.stem)
        if loaded is None:
            continue
        if loaded.quiz.id != path.stem:
            problems.append(source.problem(("id",), "must equal the file name"))
        elif loaded.quiz.id in catalogue.quizzes:
            problems.append(source.problem(("id",), "duplicate quiz id"))
        else:
            catalogue.quizzes[loaded.quiz.id] = loaded


def _load_standards(catalogue: Catalogue, problems: list[Problem]) -> None:
    catalogue.standards_source, catalogue.standards = _load_single(
        catalogue, "standards/standards.yaml", StandardsFile, problems
    )


def _load_certifications(catalogue: Catalogue, problems: list[Problem]) -> None:
    catalogue.certifications_source, catalogue.certifications = _load_single(
        catalogue, "courses/certifications.yaml", CertificationsFile, problems
    )


def _load_scorecards(catalogue: Catalogue, problems: list[Problem]) -> None:
    catalogue.scorecards_source, catalogue.scorecards = _load_single(
        catalogue, "standards/scorecards.yaml", ScorecardsFile, problems
    )
