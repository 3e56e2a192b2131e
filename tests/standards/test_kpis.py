"""KPI imports: every bad row reported with its row and column, all or nothing."""

from sqlalchemy import func, select

from app.extensions import db
from app.standards import services
from app.standards.models import KpiValue

HEADER = "employee_no,metric,period_start,period_end,value\n"


def _count() -> int:
    return db.session.scalar(select(func.count(KpiValue.id)))


def test_every_bad_row_is_reported_and_nothing_is_imported(team, runner, tmp_dir):
    agent = team["agents"][0].employee_no
    path = tmp_dir / "kpis.csv"
    path.write_text(
        HEADER
        + f"{agent},csat_pct,2026-03-01,2026-03-07,91\n"  # fine
        + "NOPE,csat_pct,2026-03-01,2026-03-07,91\n"
        + f"{agent},smiles,2026-03-01,2026-03-07,3\n"
        + f"{agent},csat_pct,2026-03-10,2026-03-08,91\n"
        + f"{agent},csat_pct,01/03/2026,2026-03-07,91\n"
        + f"{agent},csat_pct,2026-02-01,2026-02-07,120\n"
        + f"{agent},answer_time_seconds,2026-03-01,2026-03-07,fast\n"
        + f"{agent},csat_pct,2026-03-01,2026-03-07,92\n",  # same period as row 2
        encoding="utf-8",
    )
    result = runner.invoke(args=["standards", "import-kpis", str(path)])
    assert result.exit_code == 1
    for expected in (
        "row 3, column employee_no: unknown employee number NOPE",
        "row 4, column metric: unknown metric smiles",
        "row 5, column period_end: the period ends before it starts",
        "row 6, column period_start: not a date",
        "row 7, column value: out of range: 120",
        "row 8, column value: not a number: fast",
        "row 9, column period_start: same employee, metric and period as row 2",
    ):
        assert expected in result.output
    assert "row 2" not in result.output.replace("as row 2", "")
    assert _count() == 0


def test_missing_columns_and_bad_encoding_are_reported(team, runner, tmp_dir):
    path = tmp_dir / "kpis.csv"
    path.write_text("employee_no,metric,value\nX,csat_pct,1\n", encoding="utf-8")
    result = runner.invoke(args=["standards", "import-kpis", str(path)])
    assert "row 1, column -: missing column(s): period_start, period_end" in result.output
    path.write_bytes(HEADER.encode() + b"\xff\xfe,csat_pct,2026-03-01,2026-03-07,1\n")
    assert "not UTF-8" in runner.invoke(args=["standards", "import-kpis", str(path)]).output


def test_cli_import_stores_replaces_and_refreshes_statuses(team, runner, tmp_dir):
    agent = team["agents"][0]
    path = tmp_dir / "kpis.csv"
    path.write_text(HEADER + f"{agent.employee_no},csat_pct,2026-03-01,2026-03-07,70\n")
    result = runner.invoke(args=["standards", "import-kpis", str(path)])
    assert result.exit_code == 0, result.output
    assert services.current_statuses([agent.id])[(agent.id, "STD-10")] == "not_met"
    path.write_text(HEADER + f"{agent.employee_no},csat_pct,2026-03-01,2026-03-07,90\n")
    assert (
        "0 added, 1 replaced" in runner.invoke(args=["standards", "import-kpis", str(path)]).output
    )
    assert _count() == 1
    assert services.current_statuses([agent.id])[(agent.id, "STD-10")] == "met"


def _upload(client, text: str):
    from io import BytesIO

    data = {"file": (BytesIO(text.encode()), "kpis.csv")}
    return client.post("/standards/kpis/import", data=data, content_type="multipart/form-data")


def test_import_page_previews_errors_then_confirms(team, client, login, make_user):
    agent = team["agents"][0].employee_no
    login(make_user("hr"))
    page = client.get("/standards/kpis/import").get_data(as_text=True)
    assert "csat_pct" in page
    bad = _upload(client, HEADER + f"{agent},csat_pct,2026-03-01,2026-03-07,91\nX,csat_pct,,,\n")
    html = bad.get_data(as_text=True)
    assert 'id="import-errors"' in html and "<td>3</td><td><code>employee_no</code>" in html
    assert "<td>3</td><td><code>period_start</code>" in html
    assert "confirm" not in html.split('id="import-errors"')[1]
    assert _count() == 0
    good = _upload(client, HEADER + f"{agent},csat_pct,2026-03-01,2026-03-07,91\n")
    token = good.get_data(as_text=True).split("/standards/kpis/import/")[1].split('"')[0]
    assert _count() == 0  # the preview writes nothing
    assert client.post(f"/standards/kpis/import/{token}").status_code == 302
    assert _count() == 1
    assert client.post(f"/standards/kpis/import/{token}").status_code == 404  # used once


def test_managers_and_agents_cannot_import(team, client, login):
    login(team["manager"])
    assert client.get("/standards/kpis/import").status_code == 403
