"""The building blocks of every content file's schema (courses, quizzes, standards): strict
models, slugs, and text given as a string or as a mapping {ar: ..., en: ...}."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
StandardId = Annotated[str, StringConstraints(pattern=r"^STD-\d{2,3}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BilingualText(Strict):
    ar: str = ""
    en: str = ""

    @model_validator(mode="after")
    def _one_language(self):
        if not self.ar.strip() and not self.en.strip():
            raise ValueError("give the text in ar or en")
        return self

    def get(self, locale: str) -> str:
        return (self.ar or self.en) if locale == "ar" else (self.en or self.ar)


def _as_mapping(value):
    return {"ar": value, "en": value} if isinstance(value, str) else value


class TextModel(Strict):
    """Accepts a plain string as the same text in both languages."""

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value, info):
        field = cls.model_fields[info.field_name]
        if field.annotation in (BilingualText, BilingualText | None) and isinstance(value, str):
            if not value.strip():
                raise ValueError("must not be empty")
            return _as_mapping(value)
        return value


# A field that is either one value (the same in every language, or in the question's language)
# or a mapping {ar: ..., en: ...}. Validation errors name the branch with these tags; the
# content checker leaves them out of the field path it reports.
ONE_LANGUAGE, PER_LANGUAGE = "(one language)", "(per language)"
UNION_TAGS = frozenset({ONE_LANGUAGE, PER_LANGUAGE})


def _which_form(value) -> str:
    # a mapping when read from a file, the model when it is written back (model_dump)
    return PER_LANGUAGE if isinstance(value, dict | BaseModel) else ONE_LANGUAGE


def one_or_per_language(single, mapping):
    """The type of a field given as `single` or as the `mapping` model {ar: ..., en: ...}."""
    return Annotated[
        Annotated[single, Tag(ONE_LANGUAGE)] | Annotated[mapping, Tag(PER_LANGUAGE)],
        Discriminator(_which_form),
    ]
