"""The quiz file: its header fields; questions are validated one by one through the registry."""

from pydantic import Field

from app.schema_types import BilingualText, Slug, Strict, TextModel


class AttemptsPolicy(Strict):
    max: int = Field(default=0, ge=0, le=100)  # 0 means unlimited
    wait_minutes: int = Field(default=0, ge=0, le=10080)


class PlacementSection(TextModel):
    """The questions of a placement quiz that test one tier: passing them recognises the
    tier's courses."""

    id: Slug
    tier: int = Field(ge=1, le=4)
    title: BilingualText | None = None
    pass_mark: int | None = Field(default=None, ge=0, le=100)  # default: the quiz's pass mark
    questions: list[Slug] = Field(min_length=1)


class QuizFile(TextModel):
    id: Slug
    course: Slug | None = None  # every quiz but a placement quiz belongs to a course
    title: BilingualText
    description: BilingualText | None = None
    pass_mark: int = Field(ge=0, le=100)
    attempts: AttemptsPolicy = AttemptsPolicy()
    shuffle: bool = False
    # A placement quiz screens new hires; its sections say which tier each question tests.
    placement: bool = False
    offer_days: int | None = Field(default=None, ge=1, le=365)
    sections: list[PlacementSection] = []
    questions: list[dict] = Field(min_length=1)
