"""The people who use Khidma, walking through it in a real browser, in Arabic and in English:
a new hire, a manager and an HR officer."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import yaml
from openpyxl import load_workbook

from tests.e2e.conftest import PHONE, REPO_ROOT, Journey, shoot

pytestmark = pytest.mark.e2e

NEW_HIRE = {"ar": "noura@demo.sahabnet.example", "en": "layla@demo.sahabnet.example"}
# Agents whose product basics are done (long enough in the job), so the role-plays are open.
EXPERIENCED = {"ar": "reem@demo.sahabnet.example", "en": "yousef@demo.sahabnet.example"}
CERTIFIED = {"ar": "omar@demo.sahabnet.example", "en": "sarah@demo.sahabnet.example"}
MANAGER = {"ar": "maha@demo.sahabnet.example", "en": "majed@demo.sahabnet.example"}
HR = "hr@demo.sahabnet.example"
ADMIN = "admin@demo.sahabnet.example"
DESKTOP = {"width": 1366, "height": 900}
# Agents who have not answered the role-play elsewhere in this run: one per language and width.
ROLEPLAY_AGENTS = {
    ("ar", 1366): "khalid@demo.sahabnet.example",
    ("ar", 390): "mona@demo.sahabnet.example",
    ("en", 1366): "tariq@demo.sahabnet.example",
    ("en", 390): "sarah@demo.sahabnet.example",
}
# A reply that apologises, empathises and commits, but does not restate the customer's
# details, ask what would help or thank them: the result has both praise and next steps.
PARTLY_GOOD_REPLY = {
    "en": "I'm so sorry, I understand how frustrating this is. I will book a technician for "
    "tomorrow morning and I'll call you tonight at 7 to confirm the visit.",
    "ar": "أنا آسف جدًا، وأتفهم انزعاجك. سأحجز لك فنيًا صباح الغد وسأتصل بك الليلة الساعة "
    "السابعة لتأكيد الموعد.",
}
CRITERION_IDS = ("apology", "empathy", "restate", "ask_resolution", "commit_action", "thanks",
                 "follow_up", "policy_speak", "needless_transfer", "blame_customer", "jargon")  # fmt: skip
# What no export cell may hold: control characters, direction marks, embeddings and isolates.
INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
GOOD_REPLY = {
    "en": "I'm so sorry this happened, I understand how frustrating it is. I've fixed it now and "
    "I'll call you tomorrow at 10 am to check. Thank you for your patience.",
    "ar": "أنا آسفة جدًا على ما حصل وأتفهم انزعاجك. أصلحت المشكلة الآن وسأتصل بك غدًا الساعة "
    "العاشرة صباحًا للتأكد. شكرًا على صبرك.",
}


def _quiz(quiz_id: str) -> dict:
    return yaml.safe_load((REPO_ROOT / "quizzes" / f"{quiz_id}.yaml").read_text(encoding="utf-8"))


def answer_classic_quiz(page, quiz_id: str) -> None:
    """Choose the right answer to every question, read from the quiz file."""
    for question in _quiz(quiz_id)["questions"]:
        name = f"q-{question['id']}"
        kind = question["type"]
        if kind in ("single_choice", "multiple_choice"):
            for choice in question["choices"]:
                if choice.get("correct"):
                    page.check(f"input[name='{name}'][value='{choice['id']}']")
        elif kind == "true_false":
            page.check(f"input[name='{name}'][value='{str(question['answer']).lower()}']")
        elif kind == "ordering":
            for position, item in enumerate(question["items"], start=1):
                page.select_option(f"select[name='{name}-{item['id']}']", str(position))


def finish_course_lessons(visit, course_id: str) -> None:
    visit.go(f"/courses/{course_id}")
    count = visit.page.locator("#lesson-list li").count()
    visit.page.locator("#lesson-list a").first.click()
    for _ in range(count):
        visit.page.click("form[action$='/done'] button")
        visit.page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_new_hire_journey(journey, lang):
    visit = journey("new-hire")
    visit.sign_in(NEW_HIRE[lang])
    page = visit.page
    assert page.locator("#assignments li").count() == 3  # the onboarding path, tiers 1-3
    visit.check_page("home", lang)
    page.click("#continue-link")
    page.wait_for_load_state()
    assert page.locator(".lesson-body h2").count() >= 1
    visit.check_page("lesson", lang)
    finish_course_lessons(visit, "product-basics")
    visit.go("/quizzes/product-basics-quiz")
    visit.check_page("quiz", lang)
    answer_classic_quiz(page, "product-basics-quiz")
    page.click("#submit-quiz")
    page.wait_for_load_state()
    assert "/attempts/" in page.url
    assert page.locator("#automatic-score").count() == 1
    visit.check_page("quiz-result", lang)
    visit.go("/courses")
    assert page.locator('[data-course="product-basics"][data-status="done"]').count() == 1
    assert page.locator('[data-course="communication"][data-status="open"]').count() == 1
    visit.check_page("catalogue", lang)
    _answer_roleplay(visit, lang)
    _acknowledge_standards(visit, lang)


def _answer_roleplay(visit, lang: str) -> None:
    page = visit.page
    visit.go("/quizzes/communication-roleplay")
    replies = page.locator("textarea")
    for n in range(replies.count()):
        if replies.nth(n).is_enabled():
            replies.nth(n).fill(GOOD_REPLY[lang])
    page.click("#submit-quiz")
    page.wait_for_load_state()
    assert "/attempts/" in page.url
    feedback = page.locator("mark.match")
    assert feedback.count() >= 1  # the words that earned a criterion are highlighted
    visit.check_page("roleplay-feedback", lang)


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_agent_answers_a_roleplay_and_reads_the_outcome_first(browser, live_server, lang, width):
    context = browser.new_context(viewport=PHONE if width == 390 else DESKTOP)
    visit = Journey(context.new_page(), live_server, "roleplay")
    visit.sign_in(ROLEPLAY_AGENTS[lang, width])
    _switch_language(visit, lang)
    page = visit.page
    visit.go("/quizzes/communication-roleplay")
    question = _quiz("communication-roleplay")["questions"][0]
    customer = page.locator(".customer-message blockquote").first
    assert customer.get_attribute("lang") == lang  # the customer speaks the agent's language
    assert question["customer"][lang] in customer.inner_text()
    reply = page.locator(f"textarea[name='q-{question['id']}']")
    assert reply.get_attribute("dir") == "auto"  # the box follows what is typed in it
    shoot(page, f"roleplay-form-{lang}-{width}", width)
    replies = page.locator("textarea")
    for n in range(replies.count()):  # every question, so each criterion is judged throughout
        if replies.nth(n).is_enabled():
            replies.nth(n).fill(PARTLY_GOOD_REPLY[lang])
    page.click("#submit-quiz")
    page.wait_for_load_state()
    assert "/attempts/" in page.url
    _check_outcome_first(page, lang)
    shoot(page, f"roleplay-result-{lang}-{width}", width)
    assert not visit.console_errors, visit.console_errors
    context.close()


def _check_outcome_first(page, lang: str) -> None:
    """Score and verdict, what went well and what to do next (with an example in the
    learner's language) come before the answers, and no stored code shows."""
    outcome, first_answer = page.locator("#outcome"), page.locator("section.card").first
    assert outcome.bounding_box()["y"] < first_answer.bounding_box()["y"]
    score = page.locator("#automatic-score").inner_text()
    assert re.search(r"\d+\s*%", score)
    verdicts = ("✓ ناجح", "✗ لم ينجح") if lang == "ar" else ("✓ Passed", "✗ Not passed")
    assert any(verdict in score for verdict in verdicts), score
    assert page.locator("#done-well li").count() >= 1
    steps = page.locator("#next-time li")
    assert steps.count() >= 1
    advice = [steps.nth(n).locator(f"span[lang={lang}]").inner_text() for n in range(steps.count())]
    examples = [a for a in advice if re.search(r'["“«][^"”»]{4,}["”»]', a)]
    assert examples, advice  # at least one next step shows what to say
    for text in advice:
        arabic = re.search(r"[\u0600-\u06ff]", text)
        assert bool(arabic) == (lang == "ar"), text
    shown = page.locator("main").inner_text()
    codes = CRITERION_IDS if lang == "ar" else [c for c in CRITERION_IDS if "_" in c]
    assert not [c for c in codes if re.search(rf"\b{c}\b", shown)], "criterion ids on the page"
    assert not re.search(r"(?<![\d.])0\.\d+", shown), "a bare confidence on the page"


def _acknowledge_standards(visit, lang: str) -> None:
    page = visit.page
    assert page.locator("#standards-banner").count() == 1
    visit.go("/standards/acknowledge")
    visit.check_page("standards", lang)
    page.check("#acknowledge-form input[name=confirm]")
    page.locator("#acknowledge-form [type=submit]").click()
    page.wait_for_load_state()
    visit.go("/")
    assert page.locator("#standards-banner").count() == 0


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_certified_agent_downloads_the_certificate(journey, lang):
    visit = journey("certificate")
    visit.sign_in(CERTIFIED[lang])
    visit.go("/certificates")
    visit.check_page("certificates", lang)
    href = visit.page.locator("a[href$='certificate.pdf']").first.get_attribute("href")
    response = visit.page.request.get(visit.base + href)  # the browser's own session
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_manager_journey(journey, browser, live_server, lang):
    _agent_submits_a_weak_roleplay(browser, live_server, lang)
    visit = journey("manager")
    visit.sign_in(MANAGER[lang])
    page = visit.page
    visit.go("/team")
    assert page.locator("#team-progress tbody tr").count() == 6
    visit.check_page("team-progress", lang)
    visit.go("/standards/team")
    assert page.locator("#heatmap").count() == 1 and page.locator("#consistency-row").count() == 1
    visit.check_page("heatmap", lang)
    shoot(page, f"standards-heatmap-{lang}-390", 390)
    _assign_refresher_to_team(visit, lang)
    _override_a_score(visit, lang)
    _record_observation(visit, lang)


def _agent_submits_a_weak_roleplay(browser, base, lang):
    """An agent of the manager's team answers a role-play so the review queue has work."""
    from tests.e2e.conftest import Journey

    context = browser.new_context()
    agent = Journey(context.new_page(), base, "agent")
    agent.sign_in(EXPERIENCED[lang])
    agent.go("/quizzes/communication-roleplay")
    replies = agent.page.locator("textarea")
    replies.first.fill("OK. We will check it." if lang == "en" else "تمام، راح نشوف الموضوع.")
    agent.page.click("#submit-quiz")
    agent.page.wait_for_load_state()
    assert "/attempts/" in agent.page.url
    agent.page.locator(
        "details:has(form[action$='/flag']) > summary"
    ).first.click()  # "I think this was scored wrongly"
    flag = agent.page.locator("form[action$='/flag']").first
    flag.locator("textarea").fill("I promised to check the line today; please look again.")
    flag.locator("[type=submit]").click()
    agent.page.wait_for_load_state()
    context.close()


def _assign_refresher_to_team(visit, lang):
    page = visit.page
    visit.go("/assignments/new")
    visit.check_page("assign", lang)
    search = page.locator("#course_ids-search")
    search.fill("communication" if lang == "en" else "التواصل")  # the list filters as one types
    assert (
        page.locator("#course_ids-list .picker-item:visible").count()
        < page.locator("#course_ids-list .picker-item").count()
    )
    page.check("input[name=course_ids][value=communication]")
    page.locator("input[name=team_ids]").first.check()
    page.fill("input[name=due_date]", (date.today() + timedelta(days=14)).isoformat())
    page.fill("textarea[name=note]", "Refresher before the busy season")
    page.click("#assign-form > div > input[type=submit]")
    page.wait_for_load_state()
    if page.locator("#prerequisite-warning").count():  # new hires have not done the basics
        visit.check_page("assign-prerequisites", lang)
        page.click("#assign-with-prerequisites")
        page.wait_for_load_state()
    assert "/assignments" in page.url and "/new" not in page.url
    assert page.locator("text=Refresher before the busy season").count() >= 1


def _override_a_score(visit, lang):
    page = visit.page
    visit.go("/review")
    visit.check_page("review-queue", lang)
    page.locator("#review-queue a").first.click()
    page.wait_for_load_state()
    page.fill("#override-form textarea[name=reason]", "Heard the call: the reply promised a fix")
    page.fill("#override-form input[name=total]", "75")
    page.click("#override-form [type=submit]")
    page.wait_for_load_state()
    assert page.locator("#reviewed-score").count() == 1 or "/review" in page.url
    visit.check_page("after-override", lang)


def _record_observation(visit, lang):
    page = visit.page
    visit.go("/team")
    agent_link = page.locator("#team-progress tbody th a").first.get_attribute("href")
    agent_id = agent_link.rstrip("/").rsplit("/", 1)[1]
    visit.go(f"/standards/agents/{agent_id}/observations/new")
    page.fill("input[name=reference]", "CALL-2026-1042")
    ratings = page.locator("#observation-form select[name^=rating_]")
    for n in range(ratings.count()):
        ratings.nth(n).select_option(index=1)
    visit.check_page("observation-form", lang)
    page.click("#observation-form [type=submit]")
    page.wait_for_load_state()
    assert "/standards/observations/" in page.url or page.locator(".alert-success").count() == 1


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_hr_journey(journey, lang):
    visit = journey("hr")
    visit.sign_in(HR)
    page = visit.page
    _switch_language(visit, lang)
    visit.go("/certification/report")
    visit.check_page("report", lang)
    page.select_option("#status", "certified")
    page.locator("form[role=search] [type=submit]").click()
    page.wait_for_load_state()
    assert "status=certified" in page.url
    rows = page.locator("#report tbody tr").count()
    assert rows >= 1
    visit.check_page("report-filtered", lang)
    shoot(page, f"hr-report-{lang}-1366", 1366)
    employee_no = "الرقم الوظيفي" if lang == "ar" else "Employee number"
    for table in _download_both(page, lang):
        assert len(table) > rows  # the header, then every row
        _check_table(table, employee_no, days=[7])  # certified until
    code = _a_certificate_code(visit)
    anonymous = visit.page.context.browser.new_context().new_page()
    response = anonymous.goto(f"{visit.base}/verify/{code}")
    assert response.status == 200 and anonymous.locator("#certificate-status").count() == 1
    assert anonymous.goto(f"{visit.base}/verify/NOPE-NOPE-NOPE").status == 404
    _hr_exports_acknowledgements(visit, lang, employee_no)
    _hr_exports_the_audit_log(visit, lang)


def _hr_exports_acknowledgements(visit, lang, employee_no):
    visit.go("/standards/acknowledgements")
    shoot(visit.page, f"hr-acknowledgements-{lang}-1366", 1366)
    for table in _download_both(visit.page, lang):
        assert len(table) > 1
        _check_table(table, employee_no, moments=[4])  # acknowledged at


def _hr_exports_the_audit_log(visit, lang):
    visit.page.click("#main-nav a[href='/admin/audit']")  # HR finds the log in the menu
    visit.page.wait_for_load_state()
    assert visit.page.locator("tbody tr td[data-action]").count() >= 1
    visit.check_page("audit-log", lang)
    shoot(visit.page, f"hr-audit-log-{lang}-1366", 1366)
    for table in _download_both(visit.page, lang):
        assert len(table) > 1
        _check_table(table, "الوقت" if lang == "ar" else "When", moments=[0])


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_admin_reads_the_audit_log(journey, lang):
    visit = journey("admin")
    visit.sign_in(ADMIN)
    _switch_language(visit, lang)
    visit.go("/admin/audit")
    page = visit.page
    actions = page.locator("td[data-action]")
    assert actions.count() >= 1
    for n in range(actions.count()):  # each action by its name, never its stored code
        cell = actions.nth(n)
        assert cell.inner_text().strip() != cell.get_attribute("data-action")
    assert "_" not in page.locator("tbody").inner_text()
    visit.check_page("audit-log", lang)
    shoot(page, f"audit-log-{lang}-1366", 1366)
    shoot(page, f"audit-log-{lang}-390", 390)


def _switch_language(visit, lang):
    current = visit.page.locator("html").get_attribute("lang")
    if current != lang:
        visit.page.click("button[name=locale]")
        visit.page.wait_for_load_state()


def _download_both(page, lang) -> list[list[list]]:
    """The page's CSV and XLSX exports read back: each a list of rows, the header first. The
    workbook's sheets run right to left in Arabic."""
    with page.expect_download() as download:
        page.click("#export-csv")
    text = download.value.path().read_bytes().decode("utf-8-sig")
    from_csv = list(csv.reader(io.StringIO(text)))
    with page.expect_download() as download:
        page.click("#export-xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert all(sheet.sheet_view.rightToLeft == (lang == "ar") for sheet in book.worksheets)
    from_xlsx = [["" if v is None else v for v in row]
                 for row in book.worksheets[0].iter_rows(values_only=True)]  # fmt: skip
    return [from_csv, from_xlsx]


def _check_table(rows, first_header, days=(), moments=()):
    """The header first, one width for every row, dates in ISO 8601, nothing invisible."""
    assert rows[0][0] == first_header, rows[0]
    width = len(rows[0])
    for row in rows[1:]:
        assert len(row) == width, row
        for column in days:
            assert row[column] == "" or ISO_DAY.match(row[column]), row
        for column in moments:
            assert row[column] == "" or ISO_MOMENT.match(row[column]), row
        texts = [cell for cell in row if isinstance(cell, str)]
        assert not [cell for cell in texts if INVISIBLE.search(cell)], row


def _a_certificate_code(visit) -> str:
    visit.go("/certification/report?status=certified")
    link = visit.page.locator("#report a[href*='/certification/certificates/']").first
    link.click()
    visit.page.wait_for_load_state()
    return re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", visit.page.content()).group(0)
