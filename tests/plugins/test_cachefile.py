"""cachefile: a cache file is used only under its own stamp, and a broken one is no cache at all."""

from __future__ import annotations

import cachefile


def test_entries_come_back_under_the_same_stamp_only(tmp_path):
    path = tmp_path / "cache" / "x.pickle"
    cachefile.save(path, "stamp 1", {"a": (1, 2)})
    assert cachefile.load(path, "stamp 1") == {"a": (1, 2)}
    assert cachefile.load(path, "stamp 2") is None
    assert [p.name for p in path.parent.iterdir()] == ["x.pickle"]  # no partial file left behind


def test_a_missing_or_broken_file_is_no_cache(tmp_path):
    assert cachefile.load(tmp_path / "missing.pickle", "s") is None
    (tmp_path / "broken.pickle").write_bytes(b"not a pickle")
    assert cachefile.load(tmp_path / "broken.pickle", "s") is None
    cachefile.save(tmp_path / "list.pickle", "s", {})
    (tmp_path / "list.pickle").write_bytes((tmp_path / "list.pickle").read_bytes()[:-3])  # cut short
    assert cachefile.load(tmp_path / "list.pickle", "s") is None
