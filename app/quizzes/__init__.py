"""Quizzes. Every question type is registered once the package is imported: the plain types
in question_types, the role-play types in the modules that build on it."""

from app.quizzes import dialogue_type, roleplay_types  # noqa: F401  (register the role-play types)
