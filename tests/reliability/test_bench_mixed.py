"""The benches refuse to time pages that do not work, and a short mixed workload (reads while
lessons are marked done, role-plays submitted and assignments made) runs clean against a real
gunicorn. The full runs are `python -m bench.bench_mixed` and `python -m bench.bench_pages`."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import create_engine, text

from bench import bench_mixed
from bench.common import check_answers
from tests.reliability.test_load_and_faults import served_database  # noqa: F401  (fixture)


class _Answers(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802  (http.server's naming)
        status = {"/ok": 200, "/broken": 500, "/moved": 302}[self.path]
        self.send_response(status)
        self.send_header("Location", "/login")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def little_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_answering_an_error_or_a_redirect_fails_the_bench_by_name(little_server):
    check_answers(little_server + "/ok")
    for path, status in (("/broken", 500), ("/moved", 302)):
        with pytest.raises(SystemExit, match=rf"{path} answered {status}, not 200"):
            check_answers(little_server + path)


def _written(database_url: str) -> tuple[int, int]:
    """(attempts, assignments) stored."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        counts = tuple(
            connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
            for table in ("attempt", "assignment")
        )
    engine.dispose()
    return counts


def test_reads_and_writes_of_the_mixed_workload_all_answer(served_database, tmp_path):  # noqa: F811
    env = bench_mixed.prepare(served_database, tmp_path)
    before = _written(served_database)
    rows = bench_mixed.measure(env, served_database, seconds=3, max_requests=60)
    assert set(rows) == {"browsers revalidating", "no revalidation"}
    for row in rows.values():
        kinds = row["by_kind"]
        assert {"agent home", "lesson", "manager dashboard", "HR report, first page"} <= set(kinds)
        assert {
            "write: lesson done",
            "write: role-play submitted",
            "write: assignment made",
        } <= set(kinds)
        assert row["reads_rps"] > 0 and row["hello_rps"] > 0 and 0 < row["write_share"] < 0.3
        # the workers' CPU time per request is read (a worker not found would read 0), and the
        # database server's where it is a server of its own
        assert row["cpu_ms"] > row["hello_cpu_ms"] > 0
        assert (row["database_cpu_ms"] > 0) == served_database.startswith("postgresql")
    # browsers that send back the ETag they got are answered 304 for pages that did not change
    assert rows["browsers revalidating"]["not_modified_share"] > 0
    assert rows["no revalidation"]["not_modified_share"] == 0
    after = _written(served_database)
    assert after[0] > before[0] and after[1] > before[1]
