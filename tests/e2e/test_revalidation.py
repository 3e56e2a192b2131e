"""In a real browser: the reader's own learning pages are kept by the browser and asked about
again with their ETag, pages about other people are never kept, and after signing out the back
button shows nothing of the session."""

import pytest

pytestmark = pytest.mark.e2e

AGENT = "khalid@demo.sahabnet.example"
HR = "hr@demo.sahabnet.example"


def _requests_to(page, path: str) -> list:
    """The requests the page sends to `path`, from now on, with their headers."""
    seen = []
    page.on("request", lambda r: r.url.split("?")[0].endswith(path) and seen.append(r))
    return seen


def test_the_browser_asks_again_with_the_etag_and_shows_the_page(journey):
    visit = journey("revalidate")
    visit.sign_in(AGENT)
    asked = _requests_to(visit.page, "/courses")
    first = visit.go("/courses")
    assert first.headers["cache-control"] == "private, no-cache" and first.headers.get("etag")
    visit.go("/")
    visit.go("/courses")
    assert len(asked) == 2
    assert asked[1].all_headers().get("if-none-match") == first.headers["etag"]
    assert visit.page.locator("#signed-in-as").count() == 1


def test_pages_about_other_people_are_never_asked_about_again(journey):
    visit = journey("no-store")
    visit.sign_in(HR)
    asked = _requests_to(visit.page, "/certification/report")
    first = visit.go("/certification/report")
    assert "no-store" in first.headers["cache-control"]
    visit.go("/")
    visit.go("/certification/report")
    assert len(asked) == 2 and "if-none-match" not in asked[1].all_headers()


def test_after_signing_out_the_back_button_shows_nothing_of_the_session(journey):
    visit = journey("sign-out")
    visit.sign_in(AGENT)
    visit.go("/courses")
    assert visit.page.locator("#signed-in-as").count() == 1
    visit.page.click("form[action$='/logout'] button")
    visit.page.wait_for_load_state()
    assert "/login" in visit.page.url
    visit.page.go_back()
    visit.page.wait_for_load_state()
    # the browser asked the server again, which sent it to sign in; nothing kept was shown
    assert visit.page.locator("#signed-in-as").count() == 0
    assert "/login?next=%2Fcourses" in visit.page.url
