"""cachefile: the files the build's caches keep in CACHE_PATH (content_cache, render_cache, slugs).

Each file holds one stamp (what its entries are valid for: a fingerprint of code, settings and package
versions) and the entries. A file that is missing, unreadable or stamped for something else is no
cache at all, so the build starts afresh; a file is replaced in one rename, so a build that crashes
while saving leaves the previous one.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, KeyError, TypeError,
              ValueError)  # fmt: skip


def load(path: Path, stamp: object) -> dict | None:
    """The entries stored at `path` under `stamp`, or None."""
    try:
        with path.open("rb") as file:
            stored = pickle.load(file)
        if isinstance(stored, dict) and stored.get("stamp") == stamp:
            return stored["entries"]
    except UNREADABLE:
        pass
    return None


def save(path: Path, stamp: object, entries: dict) -> None:
    """Store `entries` under `stamp` at `path`, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as file:
        pickle.dump({"stamp": stamp, "entries": entries}, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)
