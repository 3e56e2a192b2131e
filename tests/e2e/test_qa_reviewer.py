"""A QA reviewer (a team manager) in a real browser, in Arabic and in English: the review queue,
a conversation reviewed on its scorecard with comments, and a calibration scored blind whose
agreement shows once the reviewer has submitted."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from config import Config
from tests.e2e.conftest import run_flask

pytestmark = pytest.mark.e2e

# Each language's reviewer leads their own team; the other manager is the second reviewer.
REVIEWER = {"ar": ("maha@demo.sahabnet.example", "E0103", "مها الغامدي"),
            "en": ("majed@demo.sahabnet.example", "E0202", "Majed Al-Subaie")}  # fmt: skip
OTHER = {"ar": ("majed@demo.sahabnet.example", "ماجد السبيعي"),
         "en": ("maha@demo.sahabnet.example", "Maha Al-Ghamdi")}  # fmt: skip
REPLY = {
    "ar": "أعتذر عن انقطاع الخدمة منذ يومين وأتفهم انزعاجك، سأرسل فنيًا غدًا صباحًا وأتصل بك بعد "
    "الزيارة. شكرًا لصبرك.",
    "en": "I'm sorry the service has been down for two days, I understand how annoying that is. "
    "I'll send a technician tomorrow morning and call you after the visit. Thanks for waiting.",
}
CUSTOMER = {"ar": "الإنترنت مقطوع عندي منذ يومين.", "en": "My internet has been down for two days."}
REVIEW_COMMENT = {"ar": "لم تذكر موعد الزيارة بدقة.", "en": "The visit time was not precise."}
OTHER_COMMENT = {"ar": "وعد واضح بالمتابعة.", "en": "A clear promise to follow up."}
MY_COMMENT = {"ar": "لم يُعِد صياغة المشكلة.", "en": "The problem was not restated."}


def _started_at() -> str:
    """Earlier today, and inside the current month of the app's time zone whatever the day the
    test runs on (sampling queues this month's conversations only)."""
    now = datetime.now(ZoneInfo(Config.BABEL_DEFAULT_TIMEZONE))
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return max(now - timedelta(hours=2), month_start).isoformat()


def _conversations(lang: str) -> bytes:
    _email, agent_no, _name = REVIEWER[lang]
    started = _started_at()
    items = [
        {"id": f"QA-{lang}-{n}", "channel": "chat", "agent": agent_no, "started_at": started,
         "language": lang,
         "turns": [{"speaker": "customer", "text": CUSTOMER[lang]},
                   {"speaker": "agent", "text": REPLY[lang]}]}
        for n in (1, 2)
    ]  # fmt: skip
    return json.dumps(items, ensure_ascii=False).encode()


def _import(visit, lang: str) -> None:
    page = visit.page
    visit.go("/conversations/import")
    page.set_input_files("#file", files=[{"name": "conversations.json",
                                           "mimeType": "application/json",
                                           "buffer": _conversations(lang)}])  # fmt: skip
    page.click("form[enctype] [type=submit]")
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1


def _rate_all(page, form: str, rating: str, special: dict) -> None:
    """Every rating select of the form set to `rating`, some items otherwise, with comments."""
    selects = page.locator(f"{form} select[name^='rating_']")
    for index in range(selects.count()):
        select = selects.nth(index)
        key = select.get_attribute("name").removeprefix("rating_")
        value, comment = special.get(key, (rating, ""))
        select.select_option(value)
        if comment:
            page.fill(f"{form} [name='comment_{key}']", comment)


def _review_from_the_queue(visit, lang: str) -> None:
    page = visit.page
    visit.go("/conversations/queue")
    row = page.locator("#queue tr", has_text=f"QA-{lang}-1")
    assert row.count() == 1 and row.get_attribute("data-done") == "no"
    visit.check_page("queue", lang)
    row.locator("a.btn").click()
    page.wait_for_load_state()
    assert page.locator("#review-form").count() == 1
    visit.check_page("review-form", lang)
    _rate_all(page, "#review-form", "met", {"commit_action": ("partly", REVIEW_COMMENT[lang])})
    page.click("#review-form [type=submit]")
    page.wait_for_load_state()
    review = page.locator("#reviews article")
    assert review.count() == 1
    assert review.locator("tr[data-item='commit-action']").get_attribute("data-rating") == "partly"
    assert REVIEW_COMMENT[lang] in review.inner_text()
    visit.check_page("reviewed", lang)
    visit.go("/conversations/queue")
    assert page.locator("#queue tr", has_text=f"QA-{lang}-1").get_attribute("data-done") == "yes"


def _start_calibration(visit, lang: str) -> str:
    page = visit.page
    visit.go("/conversations/calibration/")
    page.click("#new-calibration")
    page.wait_for_load_state()
    page.fill("#title", f"QA {lang}")
    page.select_option("#reviewers", label=[REVIEWER[lang][2], OTHER[lang][1]])
    page.fill("#conversations", f"QA-{lang}-2")
    visit.check_page("calibration-new", lang)
    page.click("#calibration-form [type=submit]")
    page.wait_for_load_state()
    link = page.locator("#calibration-items a").first
    assert link.inner_text().strip() == f"QA-{lang}-2"
    return link.get_attribute("href")


def _other_reviewer_scores(browser, base: str, lang: str, item_path: str) -> None:
    from tests.e2e.conftest import Journey

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = Journey(context.new_page(), base, "qa-other")
        other.sign_in(OTHER[lang][0])
        other.go(item_path)
        _rate_all(other.page, "#calibration-score-form", "met",
                  {"follow_up": ("met", OTHER_COMMENT[lang])})  # fmt: skip
        other.page.click("#calibration-score-form [type=submit]")
        other.page.wait_for_load_state()
        assert OTHER_COMMENT[lang] in other.page.locator("#scores").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_qa_reviewer_journey(journey, browser, live_server, lang):
    visit = journey("qa-reviewer")
    visit.sign_in(REVIEWER[lang][0])
    _import(visit, lang)
    run_flask("jobs", "run-daily")  # the daily sampling fills the reviewer's queue
    _review_from_the_queue(visit, lang)

    item_path = _start_calibration(visit, lang)
    _other_reviewer_scores(browser, live_server, lang, item_path)
    page = visit.page
    visit.go(item_path)
    # blind: the other reviewer has scored, but nothing of theirs shows before submitting
    assert page.locator("#blind-note").is_visible()
    assert OTHER_COMMENT[lang] not in page.content()
    assert page.locator("#scores").count() == 0
    visit.check_page("calibration-blind", lang)
    _rate_all(page, "#calibration-score-form", "met", {"restate": ("not_met", MY_COMMENT[lang])})
    page.click("#calibration-score-form [type=submit]")
    page.wait_for_load_state()
    scores = page.locator("#scores")
    assert OTHER_COMMENT[lang] in scores.inner_text() and MY_COMMENT[lang] in scores.inner_text()
    restate = page.locator("#item-restate")
    assert restate.locator("tr[data-rating='not_met']").count() == 1
    assert restate.locator("tr[data-rating='met']").count() == 1
    visit.check_page("calibration-scores", lang)

    page.click(f"a[href$='/calibration/{item_path.split('/')[-3]}']")
    page.wait_for_load_state()
    table = page.locator("#agreement-table")
    assert table.is_visible()
    # the two reviewers differ on one of the chat scorecard's 13 items only
    percent = "[data-figure='percent']"
    assert table.locator(f"tr[data-key='all'] {percent}").inner_text().strip() == "92%"
    assert table.locator(f"tr[data-key='restate'] {percent}").inner_text().strip() == "0%"
    visit.check_page("calibration-agreement", lang)
