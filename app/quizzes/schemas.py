"""The quiz file: its header fields; questions are validated one by one through the registry."""

from pydantic import Field

from app.schema_types import BilingualText, Slug, Strict, TextModel


class AttemptsPolicy(Strict):
    max: int = Field(default=0, ge=0, le=100)  # 0 means unlimited
    wait_minutes: int = Field(default=0, ge=0, le=10080)


class QuizFile(TextModel):
    id: Slug
    course: Slug
    title: BilingualText
    description: BilingualText | None = None
    pass_mark: int = Field(ge=0, le=100)
    attempts: AttemptsPolicy = AttemptsPolicy()
    shuffle: bool = False
    questions: list[dict] = Field(min_length=1)
