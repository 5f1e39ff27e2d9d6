"""cachefile: the one stamp of every cache the build keeps in CACHE_PATH, and the files that hold them.

A cache is only ever used under the stamp it was saved with; a file that is missing, unreadable or
stamped for something else is no cache at all, so the build starts afresh. A file is replaced in one
rename, so a build that crashes while saving leaves the previous one.

The stamp (``stamp(settings)``, a SHA-256 hex string, the same for every cache of one build) covers
everything besides the content that can change what a build writes:

- every installed package's name and version (``importlib.metadata``) and the Python version;
- the settings as read, before any plugin touched them: each setting's *value* (``Path`` as its
  text, ``datetime``/``date``/``time`` in ISO format, a function or class by its qualified name and
  the SHA-256 of its source, an object such as a Markdown extension by its class and its attributes;
  a value that is none of these stops the build: see ``value``), except the
  folders a build writes to (``VOLATILE_SETTINGS``);
- the bytes of the settings files (the file built with, the project's modules it imports, and
  sitebuild.py): ``settings_digest`` takes them, sitebuild calls it before Pelican loads the plugins;
- the bytes of every ``.py`` file in PLUGIN_PATHS, in its packages too (``content_checks/``,
  ``figures/``), *as this process imported it*: the SHA-256 of a module's source is taken the first
  time the process sees it imported (``imported_source``), so a plugin edited while a process runs
  (``make livereload``) never gets the new code's stamp on the old code's output.
  ``changed_since_import`` names such files; sitebuild then refuses to build in that process (tasks.py's
  livereload restarts itself instead).

How to use it (content_cache, render_cache and search_index do):

    stamp = cachefile.stamp(settings)              # None: no stamp (not built by sitebuild): no cache
    path = cachefile.path(settings, "x.pickle")    # CACHE_PATH/<slot>/x.pickle
    entries = cachefile.load(path, stamp) or {}    # {} when stale, missing or broken
    cachefile.save(path, stamp, entries)           # atomic

A cache that needs more in its key adds it to the key of each entry (content_cache: the file's text
and ``content_hash`` of every file it references), never to the stamp.

**Slots.** Local and publish builds differ in their settings (SITEURL …), so they never share a
stamp; each settings file has its own folder below CACHE_PATH (``slot``: the settings file's name
without ``.py``, e.g. ``pelicanconf``, ``publishconf``), so switching between ``make build`` and
``make publish`` keeps the other's caches.

``content_hash(path)`` is the SHA-256 of a file's bytes (what an image's derivatives are named by),
remembered in this process by the file's inode, size, mtime and ctime: a file replaced at the same
size and mtime (``cp -p``, ``rsync -t``, ``tar``) still gets a new ctime, which no tool can set.
"""

from __future__ import annotations

import ast
import datetime
import enum
import functools
import hashlib
import importlib.metadata
import inspect
import os
import pickle
import re
import sys
from pathlib import Path, PurePath

import build_context

UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, KeyError, TypeError,
              ValueError)  # fmt: skip
VERSION = "1"  # bump when what the stamp covers changes
SETTINGS_DIGEST = "CACHE_SETTINGS_DIGEST"  # set by sitebuild: the settings part of the stamp
SLOT = "CACHE_SLOT"  # set by sitebuild: the settings file's stem
STAMP = "CACHE_STAMP"  # the whole stamp, once made
# Where a build writes (a staging folder, the published folder), what this module adds itself, and the
# build's context (build_context: the build's state, not a setting).
VOLATILE_SETTINGS = {"OUTPUT_PATH", "PUBLISHED_OUTPUT_PATH", SETTINGS_DIGEST, SLOT, STAMP, build_context.KEY}

_IMPORTED: dict[str, str] = {}  # {source file: SHA-256 of it when this process first saw it imported}
_REAL_PATHS: dict[str, str] = {}  # {a module's __file__: its real path}
_HASHES: dict[tuple, str] = {}  # {(path, inode, size, mtime, ctime): SHA-256}, see content_hash


def load(path: Path, stamp: object) -> dict | None:
    """The entries stored at `path` under `stamp`, or None."""
    if stamp is None:
        return None
    try:
        with path.open("rb") as file:
            stored = pickle.load(file)
        if isinstance(stored, dict) and stored.get("stamp") == stamp:
            return stored["entries"]
    except UNREADABLE:
        pass
    return None


def save(path: Path, stamp: object, entries: dict) -> None:
    """Store `entries` under `stamp` at `path`, atomically (nothing is stored without a stamp)."""
    if stamp is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as file:
        pickle.dump({"stamp": stamp, "entries": entries}, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)


def path(settings: dict, name: str) -> Path:
    """Where a cache file of this build's slot lives: CACHE_PATH/<slot>/<name>."""
    return Path(settings["CACHE_PATH"]) / settings.get(SLOT, "standard") / name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(file: Path) -> str | None:
    """SHA-256 of a file's bytes (None if it cannot be read), remembered by its stat (see the module)."""
    try:
        found = os.stat(file)
    except OSError:
        return None
    key = (str(file), found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
    if key not in _HASHES:
        try:
            _HASHES[key] = sha256(Path(file).read_bytes())
        except OSError:
            return None
    return _HASHES[key]


# The settings part.


def _code(item) -> list:
    return ["code", f"{item.__module__}.{item.__qualname__}", _source(item)]


# Values that are neither containers nor plain: how each is compared.
_CONVERTERS: tuple = (
    (PurePath, lambda item, where: ["path", str(item)]),
    (datetime.date | datetime.time, lambda item, where: [type(item).__name__, item.isoformat()]),
    (datetime.timedelta | datetime.tzinfo, lambda item, where: [type(item).__name__, str(item)]),
    (enum.Enum, lambda item, where: ["enum", f"{type(item).__qualname__}.{item.name}"]),
    (re.Pattern, lambda item, where: ["regex", item.pattern, item.flags]),
    (functools.partial, lambda item, where: ["partial", *(value(part, where) for part in
                                                          (item.func, item.args, item.keywords))]),
)  # fmt: skip


def value(item: object, where: str = "") -> object:
    """A setting's value as something ``repr`` shows completely and the same way in every process."""
    if isinstance(item, dict):
        return {repr(value(key, where)): value(part, where) for key, part in item.items()}
    if isinstance(item, list | tuple | set | frozenset):
        parts = [value(part, where) for part in item]
        return [
            type(item).__name__,
            *(sorted(parts, key=repr) if isinstance(item, set | frozenset) else parts),
        ]
    if item is None or isinstance(item, str | int | float | bool | bytes):
        return item
    for kinds, convert in _CONVERTERS:
        if isinstance(item, kinds):
            return convert(item, where)
    if inspect.isfunction(item) or inspect.isclass(item) or inspect.ismethod(item) or inspect.isbuiltin(item):
        return _code(item)
    if hasattr(item, "__dict__"):  # e.g. a Markdown Extension instance: its class's code and its state
        return ["object", _code(type(item)), value(vars(item), where)]
    raise TypeError(
        f"cachefile: inställningen {where} har ett värde av typen {type(item).__qualname__}, som cachernas"
        " stämpel inte kan jämföra mellan byggen. Använd text, tal, listor, ordlistor, sökvägar, datum"
        " eller funktioner."
    )


def _source(item: object) -> str:
    try:
        return sha256(inspect.getsource(item).encode())
    except (OSError, TypeError):  # built in, or made at run time: its qualified name and version say it
        return "utan källkod"


def settings_files(settings_file: Path) -> list[Path]:
    """The settings file and the modules beside it that it imports (publishconf.py: pelicanconf.py)."""
    found, todo = [], [Path(settings_file).resolve()]
    while todo:
        file = todo.pop()
        if file in found or not file.is_file():
            continue
        found.append(file)
        try:
            tree = ast.parse(file.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            todo += [file.parent / f"{name.split('.')[0]}.py" for name in names]
    return found


def settings_digest(settings: dict, files: list[Path]) -> str:
    """The settings part of the stamp: every setting's value and the bytes of ``files`` (as imported,
    where this process imported them). Take it before the plugins change the settings."""
    digest = hashlib.sha256(VERSION.encode())
    values = {key: item for key, item in settings.items() if key not in VOLATILE_SETTINGS}
    for key in sorted(values):
        digest.update(f"\0{key}\0{value(values[key], key)!r}".encode())
    for file in files:
        digest.update(f"\0{Path(file).name}\0{imported_source(Path(file))}".encode())
    return digest.hexdigest()


# The code part.


def _modules_by_file() -> dict[str, object]:
    """Every module imported from a .py file, by its real path."""
    found = {}
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and file.endswith(".py"):
            if file not in _REAL_PATHS:  # resolving ~1,500 paths costs ~0.1 s each time
                _REAL_PATHS[file] = os.path.realpath(file)
            found[_REAL_PATHS[file]] = module
    return found


def imported_source(file: Path) -> str:
    """SHA-256 of a source file as this process imported it (its bytes the first time it was seen
    imported), or of its bytes now when it is not imported (the next import reads those)."""
    real = os.path.realpath(file)
    if real in _IMPORTED:
        return _IMPORTED[real]
    digest = content_hash(Path(real)) or "saknas"
    if real in _modules_by_file():
        _IMPORTED[real] = digest
    return digest


def forget_import(file: Path) -> None:
    """A module executed again from its file (Pelican reads a settings file anew for every build): what
    this process runs is what the file holds now, so the next look at it notes it afresh."""
    _IMPORTED.pop(os.path.realpath(file), None)


def remember_imports(folders: list[Path]) -> None:
    """Note the source of every module imported from ``folders`` that this process has not noted yet
    (sitebuild calls it right after Pelican has imported the plugins)."""
    roots = [os.path.realpath(folder) + os.sep for folder in folders]
    for file in _modules_by_file():
        if file not in _IMPORTED and file.startswith(tuple(roots)):
            _IMPORTED[file] = content_hash(Path(file)) or "saknas"


def changed_since_import(files: list[Path], folders: list[Path]) -> list[Path]:
    """The imported modules among ``files`` and in ``folders`` whose source on disk is no longer what
    this process imported: its code is not what a fresh process would run."""
    remember_imports(folders)
    roots = tuple(os.path.realpath(folder) + os.sep for folder in folders)
    wanted = {os.path.realpath(file) for file in files}
    changed = []
    for file in sorted(_modules_by_file()):
        ours = file in wanted or file.startswith(roots)
        if ours and file in _IMPORTED and content_hash(Path(file)) != _IMPORTED[file]:
            changed.append(Path(file))
    return changed


def plugin_sources(settings: dict) -> list[Path]:
    """Every Python file in PLUGIN_PATHS, sorted."""
    found = []
    for folder in settings.get("PLUGIN_PATHS", []):
        found += [source for source in Path(folder).rglob("*.py") if "__pycache__" not in source.parts]
    return sorted(found)


def packages() -> list[tuple[str, str]]:
    """Every installed distribution and its version, as the stamp holds them. Reading them all costs
    ~35 ms, so they are read again only when a folder on sys.path has changed (installing, upgrading or
    removing a package adds or removes its .dist-info folder there, which changes the folder's time)."""
    return list(_packages(tuple((folder, _modified(folder)) for folder in sys.path)))


def _modified(folder: str) -> int | None:
    try:
        return os.stat(folder or ".").st_mtime_ns
    except OSError:
        return None


@functools.lru_cache(maxsize=1)
def _packages(_paths: tuple) -> tuple[tuple[str, str], ...]:
    found = ((dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions())
    return tuple(sorted(found))


def stamp(settings: dict) -> str | None:
    """This build's stamp (see the module docstring), made on first use and kept in the settings; None
    when the build did not come through sitebuild (no settings digest): such a build uses no cache."""
    if STAMP in settings:
        return settings[STAMP]
    if SETTINGS_DIGEST not in settings:
        return None
    digest = hashlib.sha256(f"{VERSION}\0{sys.version}\0{settings[SETTINGS_DIGEST]}".encode())
    digest.update(repr(packages()).encode())
    for source in plugin_sources(settings):
        digest.update(f"\0{source.as_posix()}\0{imported_source(source)}".encode())
    settings[STAMP] = digest.hexdigest()
    return settings[STAMP]
