"""Hostile text typed into the app by a person shows as text in the browser: no script runs,
no dialog opens, on any page that displays it."""

import pytest

from tests.security.xss_corpus import PAYLOADS

pytestmark = pytest.mark.e2e

ADMIN = "admin@demo.sahabnet.example"
MANAGER = "maha@demo.sahabnet.example"


def test_names_typed_by_an_admin_run_nothing_anywhere(journey, browser, live_server, tmp_path):
    visit = journey("xss")
    dialogs: list[str] = []
    visit.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    visit.sign_in(ADMIN)
    for n, payload in enumerate(PAYLOADS[:4]):
        visit.go("/admin/people/new")
        page = visit.page
        page.fill("#employee_no", f"X{n}")
        page.fill("#email", f"x{n}@hostile.example")
        page.fill("#name_en", payload)
        page.fill("#name_ar", PAYLOADS[-1 - n])
        page.select_option("#team_id", index=1)
        page.fill("#hire_date", "2026-11-01")
        page.click("main form [type=submit]")
        page.wait_for_load_state()
    csv = tmp_path / "hostile.csv"
    rows = "".join(f'Y{n},y{n}@hostile.example,"{p.replace(chr(34), chr(39))}",agent,2026-11-01\n'
                   for n, p in enumerate(PAYLOADS))  # fmt: skip
    csv.write_text("employee_no,email,name_en,role,hire_date\n" + rows, encoding="utf-8")
    visit.go("/admin/people/import")
    visit.page.set_input_files("#file", str(csv))
    visit.page.click("main form [type=submit]")
    visit.page.wait_for_load_state()
    visit.go("/admin/people?status=all&q=hostile")
    shown = visit.page.inner_text("main")
    assert PAYLOADS[0] in shown and PAYLOADS[1] in shown  # displayed as the text it is
    for path in ("/admin/audit", "/admin/teams"):
        visit.go(path)
        visit.page.wait_for_timeout(200)
    manager = browser.new_context().new_page()
    manager.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    manager.goto(live_server + "/login")
    manager.fill("#email", MANAGER)
    manager.fill("#password", "khidma-demo-2026")
    manager.click("main form [type=submit]")
    manager.wait_for_load_state()
    for path in ("/team", "/standards/team", "/review", "/assignments/new"):
        manager.goto(live_server + path)
        manager.wait_for_timeout(200)
    assert dialogs == []
    assert not visit.console_errors
