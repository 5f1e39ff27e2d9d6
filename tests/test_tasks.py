"""The editors' tasks: a new post is written where the build finds it, with a header that passes checks."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import copy_site
from content_checks import check_site
from invoke import Task

import sitebuild
import tasks


def test_new_post_is_a_valid_draft_named_by_its_slug(tmp_path):
    content = copy_site("minimal", tmp_path)
    path = tasks.write_new_post(
        content, "Ögonblick på Åland", "Anna Berg", "Turism", datetime(2026, 3, 4, 9, 30)
    )
    assert path == content / "posts/2026/ogonblick-pa-aland.md"
    assert path.read_text(encoding="utf-8").startswith(
        "Title: Ögonblick på Åland\nDate: 2026-03-04 09:30\nAuthor: Anna Berg\nCategory: Turism\nStatus: draft\n"
    )
    assert check_site(sitebuild.load_settings("pelicanconf.py", {"PATH": str(content)})) == []


def test_new_post_never_overwrites(tmp_path):
    content = copy_site("minimal", tmp_path)
    tasks.write_new_post(content, "Samma", "Anna Berg", "Turism", datetime(2026, 3, 4))
    with pytest.raises(FileExistsError):
        tasks.write_new_post(content, "Samma", "Anna Berg", "Turism", datetime(2026, 3, 4))


@pytest.mark.parametrize(
    "name", ["build", "test", "publish", "clean", "check", "serve", "livereload", "new_post", "addresses"]
)
def test_every_documented_task_exists(name):
    assert isinstance(getattr(tasks, name), Task)
