"""Lesson Markdown to safe HTML: markdown-it-py renders, nh3 keeps only harmless markup."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML in lessons is shown as text, never interpreted.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def render_lesson(markdown: str, media_base: str) -> str:
    """Render and sanitise; relative image paths point at the course's media route."""

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            if value.startswith(("http:", "https:", "//", "data:")):
                return None  # lessons show only their own course's images
            return f"{media_base}/{value.removeprefix('./').removeprefix('images/')}"
        return value

    html = _parser().render(markdown)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "mailto"},
        attribute_filter=rewrite,
        link_rel="noopener noreferrer",
    )
