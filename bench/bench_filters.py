"""Benchmark of the certification report's team and manager filters at thousands of teams.

Builds a temporary SQLite database with 5,000 teams (each with its own manager) and one agent
per team, then prints, for the first report page as HR sees it: its HTML size, the number of
<option>s, its server time and SQL queries, once with every team and manager listed (the
listing limit raised above the number of teams, as the page was before it had a limit) and once
as shipped (a search field past report_filters.LIST_LIMIT); then the time of one search.

    python bench/bench_filters.py [--teams 5000] [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from app.certification import counts, report_filters  # noqa: E402
from app.certification.models import Certification  # noqa: E402
from app.extensions import db  # noqa: E402
from bench.bench_report import (  # noqa: E402
    add_standings,
    build_catalogue,
    build_org,
    build_people,
    make_app,
    signed_in_client,
)
from tests.query_counter import count_queries  # noqa: E402


def measure(app, client, url: str, runs: int) -> tuple[float, int, int, int]:
    """Median server time (ms), HTML bytes, <option>s and SQL queries of one page."""
    client.get(url)  # warm the caches once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as counter:
        body = client.get(url).data
    return statistics.median(times), len(body), body.count(b"<option"), counter.count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        with app.app_context():
            db.create_all()
            build_catalogue()
            teams = build_org(managers=args.teams)
            agents = build_people(0, args.teams, teams)
            certifications = list(db.session.scalars(db.select(Certification.id)))
            add_standings(agents, certifications, random.Random(7))
            counts.rebuild(db.session)  # rows inserted in bulk: the report's totals counted again
            db.session.commit()
        client = signed_in_client(app)
        shipped = report_filters.LIST_LIMIT
        report_filters.LIST_LIMIT = args.teams + 1
        listed = measure(app, client, "/certification/report", args.runs)
        report_filters.LIST_LIMIT = shipped
        searched = measure(app, client, "/certification/report", args.runs)
        chosen = measure(app, client, f"/certification/report?team_id={teams[-1]}", args.runs)
        start = time.perf_counter()
        for _ in range(args.runs):
            found = client.get("/certification/report/choices/team?q=team 49").get_json()
        search_ms = (time.perf_counter() - start) * 1000 / args.runs
    print(f"{args.teams:,} teams, {args.teams:,} managers, {args.teams:,} agents (SQLite)")
    for label, (ms, size, options, queries) in (
        ("every team listed", listed),
        (f"search field (limit {shipped})", searched),
        ("search field, one team chosen", chosen),
    ):
        print(f"report first page, {label}: {size / 1024:,.0f} KiB, {options:,} <option>s, "
              f"{ms:.1f} ms, {queries} queries")  # fmt: skip
    print(f"HTML size ratio searched/listed: {searched[1] / listed[1]:.3f}; "
          f"time ratio: {searched[0] / listed[0]:.2f}")  # fmt: skip
    print(f"team search: {search_ms:.1f} ms, {len(found['items'])} matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
