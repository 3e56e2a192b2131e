"""The admin's content page reads the content files once per change, not on every view, and
shows an edit at the next view."""

import cProfile
import os
import pstats


def _parsed_files(action) -> int:
    """How many YAML documents were parsed while `action()` ran, as a profiler saw it."""
    profile = cProfile.Profile()
    profile.enable()
    action()
    profile.disable()
    return sum(
        row[1]
        for (filename, _line, name), row in pstats.Stats(profile).stats.items()
        if name == "parse_yaml" and filename.endswith("yaml_source.py")
    )


def test_a_repeat_view_parses_nothing_and_an_edit_shows_at_once(
    app, client, login_as, content_root, monkeypatch
):
    monkeypatch.setitem(app.config, "CONTENT_DIR", content_root)
    login_as("admin")
    yaml_files = list(content_root.rglob("*.yaml"))
    first = _parsed_files(lambda: client.get("/admin/content"))
    assert 0 < first <= len(yaml_files)  # each file at most once in a view
    again = _parsed_files(lambda: client.get("/admin/content"))
    assert again == 0
    assert "courses/basics/course.yaml:2" not in client.get("/admin/content").text
    course = content_root / "courses/basics/course.yaml"
    edited = course.read_text(encoding="utf-8").replace("tier: 1", "tier: x")
    course.write_text(edited, encoding="utf-8")
    stat = course.stat()  # the same size; a later modification time
    os.utime(course, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    page = client.get("/admin/content").text
    assert "courses/basics/course.yaml:2: tier:" in page
