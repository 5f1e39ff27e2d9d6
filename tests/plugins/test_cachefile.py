"""cachefile: a cache file is used only under its own stamp, and a broken one is no cache at all."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import cachefile
import pytest
from conftest import ROOT

import sitebuild


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


def probe_filter(text: str) -> str:
    return text.upper()


def other_filter(text: str) -> str:
    return text.lower()


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        ("text", "a", "b"),
        ("Path", Path("/tmp/a"), Path("/tmp/b")),
        ("datetime", datetime(2020, 1, 1, 8, 0), datetime(2020, 1, 1, 8, 1)),
        ("date", date(2020, 1, 1), date(2020, 1, 2)),
        ("function", probe_filter, other_filter),
        ("partial", functools.partial(probe_filter, "x"), functools.partial(probe_filter, "y")),
        ("regex", re.compile("a"), re.compile("a", re.IGNORECASE)),
        ("set", {1, 2}, {1, 3}),
        (
            "nested",
            {"JINJA_GLOBALS": {"d": datetime(2020, 1, 1)}},
            {"JINJA_GLOBALS": {"d": datetime(2021, 1, 1)}},
        ),
    ],
)
def test_each_kind_of_setting_counts_by_its_value(name, before, after):
    base = {"SITENAME": "x", "OUTPUT_PATH": "/tmp/a"}
    assert cachefile.settings_digest({**base, "X": before}, []) != cachefile.settings_digest(
        {**base, "X": after}, []
    )
    assert cachefile.settings_digest({**base, "X": before}, []) == cachefile.settings_digest(
        {**base, "X": before, "OUTPUT_PATH": "/tmp/staging-2"}, []
    )  # the staging folder is no part of it


def test_a_function_counts_by_its_source_not_only_its_name(tmp_path):
    module = tmp_path / "conf_with_function.py"
    digests = []
    for body in ("text.upper()", "text.lower()"):
        module.write_text(f"def probe(text):\n    return {body}\n", encoding="utf-8")
        spec = importlib.util.spec_from_file_location("conf_with_function", module)
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        digests.append(cachefile.settings_digest({"F": loaded.probe}, []))
    assert digests[0] != digests[1]


def test_a_value_the_stamp_cannot_compare_stops_with_the_settings_name():
    with pytest.raises(TypeError, match="inställningen SLOTS har ett värde av typen"):
        cachefile.settings_digest({"SLOTS": object()}, [])


def test_settings_files_are_the_file_and_the_project_modules_it_imports():
    files = [path.name for path in cachefile.settings_files(ROOT / "publishconf.py")]
    assert files == ["publishconf.py", "pelicanconf.py"]


def test_every_module_of_a_plugin_package_is_in_the_stamp(tmp_path):
    sources = cachefile.plugin_sources({"PLUGIN_PATHS": [str(ROOT / "plugins")]})
    for package in ("content_checks", "figures"):
        modules = sorted((ROOT / "plugins" / package).glob("*.py"))
        assert len(modules) > 1
        assert set(modules) <= set(sources)
    family = tmp_path / "plugins/paket/familj.py"
    family.parent.mkdir(parents=True)
    (family.parent / "__init__.py").write_text("", encoding="utf-8")
    family.write_text("REGEL = 1\n", encoding="utf-8")
    settings = {cachefile.SETTINGS_DIGEST: "inställningar", "PLUGIN_PATHS": [str(tmp_path / "plugins")]}
    before = cachefile.stamp(dict(settings))
    family.write_text("REGEL = 2\n", encoding="utf-8")
    assert cachefile.stamp(dict(settings)) != before


def test_content_hash_sees_a_file_replaced_at_the_same_size_and_time(tmp_path):
    image = tmp_path / "bild.jpg"
    image.write_bytes(b"a" * 100)
    before = cachefile.content_hash(image)
    times = (image.stat().st_atime_ns, image.stat().st_mtime_ns)
    image.write_bytes(b"b" * 100)  # as cp -p, rsync -t or tar do: same size, same mtime
    os.utime(image, ns=times)
    assert cachefile.content_hash(image) != before
    assert cachefile.content_hash(image) == hashlib.sha256(b"b" * 100).hexdigest()


def test_local_and_publish_builds_keep_their_caches_apart(tmp_path):
    overrides = {"PATH": str(ROOT / "content"), "CACHE_PATH": str(tmp_path)}
    local = sitebuild.load_settings("pelicanconf.py", overrides)
    publish = sitebuild.load_settings("publishconf.py", overrides)
    assert cachefile.path(local, "x.pickle") != cachefile.path(publish, "x.pickle")
    assert cachefile.path(local, "x.pickle").parent.parent == tmp_path


def test_installed_packages_are_read_again_only_after_an_install(tmp_path, monkeypatch):
    """The stamp's package list is remembered while no folder on sys.path changes, and read again after
    a package is installed, upgraded or removed there. Fails if it is remembered for the process (the
    mutant tried: ``functools.cache`` on ``packages`` itself): the upgrade below would not be seen."""
    import importlib.metadata

    folder = tmp_path / "site-packages"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))

    def install(name: str, version: str) -> None:
        info = folder / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", "utf-8")

    reads = []
    distributions = importlib.metadata.distributions
    monkeypatch.setattr(importlib.metadata, "distributions", lambda: reads.append(1) or distributions())
    install("bloggarkivet-prov", "1.0")
    assert ("bloggarkivet-prov", "1.0") in cachefile.packages()
    assert ("bloggarkivet-prov", "1.0") in cachefile.packages()
    assert len(reads) == 1
    shutil.rmtree(folder / "bloggarkivet-prov-1.0.dist-info")
    install("bloggarkivet-prov", "2.0")
    assert ("bloggarkivet-prov", "2.0") in cachefile.packages()
    assert ("bloggarkivet-prov", "1.0") not in cachefile.packages()
    assert len(reads) == 2
