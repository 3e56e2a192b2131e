"""The people who use Khidma, walking through it in a real browser, in Arabic and in English."""

import pytest

pytestmark = pytest.mark.e2e

NEW_HIRE = {"ar": "noura@demo.sahabnet.example", "en": "layla@demo.sahabnet.example"}
MANAGER = {"ar": "maha@demo.sahabnet.example", "en": "majed@demo.sahabnet.example"}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_new_hire_finds_the_onboarding_path_and_reads_a_lesson(journey, lang):
    visit = journey("new-hire")
    visit.sign_in(NEW_HIRE[lang])
    page = visit.page
    assert page.locator("#assignments li").count() == 3  # the onboarding path, tiers 1-3
    visit.check_page("home", lang)
    page.click("#continue-link")
    page.wait_for_load_state()
    assert page.locator(".lesson-body h2").count() >= 1
    visit.check_page("lesson", lang)
    page.click("form[action$='/done'] button")
    page.wait_for_load_state()
    assert "/lessons/" in page.url  # moved on to the next lesson
    visit.go("/courses")
    assert page.locator('[data-course="product-basics"][data-status="in_progress"]').count() == 1
    assert page.locator('[data-status="locked"]').count() >= 2
    visit.check_page("catalogue", lang)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_manager_sees_the_team_progress(journey, lang):
    visit = journey("manager")
    visit.sign_in(MANAGER[lang])
    visit.go("/team")
    table = visit.page.locator("#team-progress")
    assert table.locator("tbody tr").count() == 6
    visit.check_page("team-progress", lang)
    table.locator("tbody tr th a").first.click()
    visit.page.wait_for_load_state()
    visit.check_page("agent-detail", lang)
