"""Reading HTML the way a browser would, to check that nothing active got through."""

from html.parser import HTMLParser


class _ActiveContent(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "style"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                ("javascript:", "data:text/html", "vbscript:")
            ):
                self.found.append(f"{tag} {name}={value}")


def active_content(html: str) -> list[str]:
    """Script elements, event-handler attributes and script URLs found in the markup."""
    parser = _ActiveContent()
    parser.feed(html)
    return parser.found
