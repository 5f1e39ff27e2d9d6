"""search_merge: one Pagefind bundle from the yearly ones, equal to what one Pagefind run over every
search record would write, and a word-less copy of it for listings.

Why: every Pagefind bundle is its own index in the browser, scored with its own statistics (page count,
document frequencies, average length) and matching a missing word by the longest shorter word it has, so
yearly bundles merged in the page (``mergeIndex``) answer worse than one index: junk hits, another first
hit, twice the bytes (README, Known issues; /work/shared/notes/search-merge.md). Pagefind still indexes
one year at a time (memory of one year, see search_index); this module then joins the years' bundles,
file format to file format, into one bundle whose statistics are those of a single run:

- pages concatenated, oldest year first (page numbers offset by the earlier years' counts), fragments
  linked as they are and renamed only if two years' names collide (Pagefind's own rule);
- metadata fields as a sorted union (a page's field ids are remapped: Pagefind adds ``image`` only in
  years that have images); each filter value's pages as a union; each sort over every page, by value;
- each word's postings concatenated year by year, its diacritic variants merged by form; the words cut
  into chunks again with Pagefind's rule (``CHUNK_SIZE``) and every file named by its SHA-1 as Pagefind
  names it. Filters and the metadata are written in one order (Pagefind writes its filters in hash-map
  order), so the published bundle is byte-stable.

The format is Pagefind 1.5's (gzip of ``pagefind_dcd`` + CBOR, ``pagefind/src/index/mod.rs`` and
``pagefind_web/src/{metadata,index,filter_index}.rs``), internal and changed between versions: the merge
refuses any other Pagefind version (``check_version``), and tests/test_search_merge.py compares the merged
bundle with one Pagefind run over the same records (the tripwire for an upgrade).

The listing copy (``LISTING`` below the bundle) has the same pages, filters and sorts and no words: a
search without a term (a listing by filter, newest first) loads every word chunk of a bundle (3.4 MB at
2,000 posts), and none of this one. It holds only its entry file and its metadata: its pages, filters
and WebAssembly are the bundle's own files, named by a path from the copy's folder back to the bundle
(Pagefind fetches ``<copy>/fragment/<page>.pf_fragment``, and ``../../fragment/<name>`` leads there),
so a reader who lists and searches loads each of them once.

Each yearly bundle gets a *digest* (``DIGEST_FILE``, made once, when the year is indexed): its pages,
filters, fields and every word's postings, decoded, so the merge reads one file a year.

Run as a script (search_index runs it in its indexing child, after Pagefind, in a fresh interpreter
that imports no Pelican):

    python search_merge.py [--previous MERGED] OUTPUT YEAR_BUNDLE...   (the years oldest first)
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import os
import pickle
import re
import shutil
import sys
from dataclasses import astuple, dataclass
from pathlib import Path

import cbor2

PAGEFIND_VERSION = "1.5.2"  # the one Pagefind whose format this module reads and writes
SIGNATURE = b"pagefind_dcd"  # Pagefind's mark before the CBOR of every compressed index file
CHUNK_SIZE = 20_000  # Pagefind's default index_chunk_size: locations per word chunk, roughly
DIGEST_FILE = "bk-digest.pickle"  # in each yearly bundle's folder
DIGEST_FORMAT = 1
LISTING = "lista"  # the word-less copy, a folder inside the merged bundle
UP = "../../"  # from <bundle>/<LISTING>/<kind>/ (or <LISTING>/wasm.) back to <bundle>/
RUNTIME = ("pagefind.js", "pagefind-worker.js", "wasm.*.pagefind")  # what the search page loads
UINT, ARRAY = 0, 4  # CBOR major types
ENTRY = b"\x83"  # the head of a word's entry on a page: an array of three
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class MergeError(Exception):
    """The yearly bundles cannot be merged; the message says why and what to do (for a developer)."""


def check_version(found: str, where: Path) -> None:
    """Refuse a bundle of any Pagefind but the one whose format this module knows."""
    if found != PAGEFIND_VERSION:
        raise MergeError(
            f"search_merge: {where} är byggt av Pagefind {found}, men sammanslagningen av årens sökindex "
            f"är skriven för Pagefind {PAGEFIND_VERSION}, och Pagefinds filformat ändras mellan versioner. "
            f"Installera den låsta versionen igen (make clean && make build installerar requirements.txt), "
            f"eller, om uppgraderingen är avsiktlig: läs Pagefinds ändringar i formatet, uppdatera "
            f"plugins/search_merge.py och PAGEFIND_VERSION där, och kör tests/test_search_merge.py, som "
            f"jämför det sammanslagna indexet med en enda Pagefind-körning."
        )


def read_index_file(path: Path):
    """The CBOR value of a Pagefind index file (gzip of the signature and the CBOR)."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise MergeError(f"search_merge: {path} är ingen Pagefind-fil (signaturen saknas).")
    return cbor2.loads(data[len(SIGNATURE) :])


def compressed(data: bytes) -> bytes:
    """An index file's bytes as Pagefind writes them: gzip (no time stamp) of the signature and data."""
    return gzip.compress(SIGNATURE + data, compresslevel=9, mtime=0)


def full_hash(data: bytes) -> str:
    """Pagefind's name for bytes (``utils::full_hash``): SHA-1, each byte in hex without a leading zero."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def short_name(language: str, data: bytes, taken: set[str]) -> str:
    """A word or filter chunk's name, as Pagefind gives it: language, "_", the first 7 hex digits of the
    hash, two more for as long as the name is taken."""
    whole = f"{language}_{full_hash(data)}"
    name = whole[: len(language) + 8]
    while name in taken and len(name) < len(whole):
        name = whole[: len(name) + 2]
    taken.add(name)
    return name


def cbor_head(major: int, argument: int) -> bytes:
    """The head of a CBOR item (RFC 8949, 3.1), in its shortest form, as cbor2 and Pagefind write it."""
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise ValueError(argument)


def array_head(length: int) -> bytes:
    return cbor_head(ARRAY, length)


@dataclass
class Postings:
    """One word's (or variant's) entries in one year, kept as CBOR. An entry is [page step, locations,
    metadata locations]; each page number is the step from the entry before it, so in the merged bundle
    only a year's first entry changes (its step from the earlier years' last page); the other entries are
    copied as they are. This is what makes the merge cheap: decoding and encoding every entry with cbor2
    cost ~2.3 s of CPU at 2,000 posts, against the ~0.1 s of joining bytes."""

    first: int  # the first entry's page number, in its year
    last: int  # the last entry's page number, in its year
    count: int
    size: int  # locations and metadata locations, plus one an entry: what Pagefind counts to cut chunks
    head: bytes  # the first entry's locations and metadata locations (two CBOR arrays)
    rest: bytes  # the other entries, CBOR items one after the other

    @classmethod
    def of(cls, entries: list) -> Postings:
        """From a word's entries as decoded from an index chunk (non-empty)."""
        _step, locs, meta_locs = entries[0]
        rest = cbor2.dumps(entries[1:])[len(array_head(len(entries) - 1)) :]
        return cls(first=entries[0][0], last=sum(entry[0] for entry in entries), count=len(entries),
                   size=sum(len(locs) + len(meta) + 1 for _step, locs, meta in entries),
                   head=cbor2.dumps(locs) + cbor2.dumps(meta_locs), rest=rest)  # fmt: skip

    def entries(self) -> list:
        """The entries, decoded (page numbers as steps; the first from the year's start)."""
        locs, meta_locs = cbor2.loads(array_head(2) + self.head)
        return [[self.first, locs, meta_locs], *cbor2.loads(array_head(self.count - 1) + self.rest)]

    def with_fields(self, fields: list[int]) -> Postings:
        """The same entries with their metadata fields renumbered (field i becomes fields[i])."""
        entries = [[step, locs, [-fields[-loc - 1] - 1 if loc < 0 else loc for loc in meta_locs]]
                   for step, locs, meta_locs in self.entries()]  # fmt: skip
        return Postings.of(entries)


def joined(parts: list[tuple[int, Postings]]) -> bytes:
    """The CBOR array of a word's entries from several years: (page offset of the year, its postings),
    in page order."""
    encoded, last = [], 0
    for offset, postings in parts:
        encoded += [ENTRY, cbor_head(UINT, offset + postings.first - last), postings.head, postings.rest]
        last = offset + postings.last
    return array_head(sum(postings.count for _offset, postings in parts)) + b"".join(encoded)


@dataclass
class Digest:
    """What the merge needs of one yearly bundle: its pages, filters, fields and words, decoded."""

    folder: Path
    language: str
    entry: dict  # the entry file's language record: wasm
    include_characters: list
    pages: list  # [[fragment name, word count]], in page order
    metas: list  # each page's metadata (the sort values are read from it)
    sorts: list  # the sort keys
    filters: dict  # {filter: {value: [page]}}
    meta_fields: list
    words: list  # [(word, Postings or None, [(form, Postings)])], sorted by word

    def full_name(self, page: int) -> str:
        """The page's fragment name before Pagefind shortened it: language and the SHA-1 of its data."""
        path = self.folder / "fragment" / f"{self.pages[page][0]}.pf_fragment"
        data = gzip.decompress(path.read_bytes())[len(SIGNATURE) :]
        return f"{self.language}_{full_hash(data)}"


def read_bundle(folder: Path) -> Digest:
    """Decode a Pagefind bundle of one language (a year's) into its digest."""
    entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    check_version(entry["version"], folder / "pagefind-entry.json")
    if len(entry["languages"]) != 1:
        raise MergeError(f"search_merge: {folder} har fler än ett språk; sammanslagningen klarar ett.")
    (language, record), = entry["languages"].items()  # fmt: skip
    version, pages, chunks, filters, sorts, meta_fields = read_index_file(
        folder / f"pagefind.{record['hash']}.pf_meta"
    )
    check_version(version, folder)
    words = []
    for _from, _to, name in chunks:
        (chunk,) = read_index_file(folder / "index" / f"{name}.pf_index")
        for word, word_pages, variants in chunk:
            words.append((word, Postings.of(word_pages) if word_pages else None,
                          [(form, Postings.of(form_pages)) for form, form_pages in variants]))  # fmt: skip
    by_filter = {}
    for _name, chunk in filters:
        filter_name, values = read_index_file(folder / "filter" / f"{chunk}.pf_filter")
        by_filter[filter_name] = {value: value_pages for value, value_pages in values}
    metas = []
    for page_name, _count in pages:
        data = gzip.decompress((folder / "fragment" / f"{page_name}.pf_fragment").read_bytes())
        metas.append(json.loads(data[len(SIGNATURE) :])["meta"])
    return Digest(
        folder=folder,
        language=language,
        entry={"wasm": record["wasm"]},
        include_characters=entry["include_characters"],
        pages=pages,
        metas=metas,
        sorts=[key for key, _order in sorts],
        filters=by_filter,
        meta_fields=meta_fields,
        words=words,
    )


def digest(folder: Path) -> Digest:
    """A yearly bundle's digest: from its DIGEST_FILE, made (and kept there) on first use."""
    path = folder / DIGEST_FILE
    try:
        with path.open("rb") as file:
            format_, fields = pickle.load(file)
        if format_ == DIGEST_FORMAT:
            words = [(word, Postings(*postings) if postings else None,
                      [(form, Postings(*form_postings)) for form, form_postings in variants])
                     for word, postings, variants in fields.pop("words")]  # fmt: skip
            return Digest(folder=folder, words=words, **fields)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        pass
    made = read_bundle(folder)
    # Plain values, not the classes: a digest is read by the build's tests as well as by this script.
    fields = {name: value for name, value in vars(made).items() if name not in ("folder", "words")}
    fields["words"] = [(word, astuple(postings) if postings else None,
                        [(form, astuple(form_postings)) for form, form_postings in variants])
                       for word, postings, variants in made.words]  # fmt: skip
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as file:
        pickle.dump((DIGEST_FORMAT, fields), file, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(path)
    return made


def sorted_pages(values: list[tuple[str, int]]) -> list[int]:
    """The pages of one sort key in Pagefind's order: by number when every value is one, else by text;
    equal values in page order (a stable sort, as Pagefind's)."""
    if all(NUMBER.fullmatch(value) for value, _page in values):
        return [page for _value, page in sorted(values, key=lambda item: float(item[0]))]
    return [page for _value, page in sorted(values, key=lambda item: item[0])]


def chunk_bounds(chunks: list[list]) -> list[list[str]]:
    """Each chunk's [from, to]: its first and last word, cut to the shortest prefixes that still tell
    neighbouring chunks apart (Pagefind's ``chunk_meta``)."""
    bounds = [[chunk[0][0], chunk[-1][0]] for chunk in chunks]
    for left, right in itertools.pairwise(bounds):
        common = 0
        for a, b in zip(right[0], left[1], strict=False):
            if a != b:
                break
            common += 1
        to, since = left[1][: common + 1], right[0][: common + 1]
        if to >= left[0]:
            left[1] = to
        right[0] = since
    return bounds


def chunked(words: list[tuple], size: int = CHUNK_SIZE) -> list[list]:
    """Cut the sorted words into chunks as Pagefind does: a chunk ends with the word that brings its
    locations (plus one a page, variants not counted) to `size`."""
    chunks, chunk, filled = [], [], 0
    for word in words:
        filled += sum(postings.size for _offset, postings in word[1])
        chunk.append(word)
        if filled >= size:
            chunks.append(chunk)
            chunk, filled = [], 0
    if chunk:
        chunks.append(chunk)
    return chunks


@dataclass
class Merged:
    """The merged bundle, ready to write: its files' CBOR, and where each page's fragment comes from."""

    language: str
    entry: dict
    include_characters: list
    pages: list  # [[name, word count]]
    fragments: list  # [(source file, name)]
    chunks: list  # [[from, to, name]]
    chunk_files: dict  # {name: CBOR}
    filters: list  # [[filter, name]]
    filter_files: dict  # {name: CBOR}
    sorts: list  # [[key, [page]]]
    meta_fields: list
    runtime: Path  # the bundle whose runtime (script, worker, WebAssembly) is published

    def meta(self, listing: bool = False) -> bytes:
        """The metadata's CBOR: of the bundle, or of the listing copy (no words, paths back to the bundle)."""
        pages, filters = (f"{UP}fragment/", f"{UP}filter/") if listing else ("", "")
        return cbor2.dumps([
            PAGEFIND_VERSION,
            [[f"{pages}{name}", count] for name, count in self.pages],
            [] if listing else self.chunks,
            [[name, f"{filters}{chunk}"] for name, chunk in self.filters],
            self.sorts,
            self.meta_fields,
        ])  # fmt: skip

    def entry_file(self, meta_name: str, listing: bool = False) -> bytes:
        """pagefind-entry.json as Pagefind writes it (serde_json: compact, not ASCII-escaped)."""
        wasm = self.entry["wasm"]
        if listing and wasm:
            # Pagefind fetches <folder>/wasm.<wasm>.pagefind: "wasm." is a path segment here, and the two
            # ".." leave it and the copy's folder, so the copy loads the bundle's own WebAssembly.
            wasm = f"/{UP}wasm.{wasm}"
        language = {"hash": meta_name, "wasm": wasm, "page_count": len(self.pages)}
        entry = {"version": PAGEFIND_VERSION, "languages": {self.language: language},
                 "include_characters": self.include_characters}  # fmt: skip
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()


def merged_pages(digests: list[Digest], language: str) -> tuple[list, list]:
    """Every year's pages, one after the other: [[name, word count]], and [(fragment file, name)]. A name
    is the first 7 hex digits of the page's SHA-1; when an earlier year's page has it already, Pagefind
    (one run) makes the later page's longer, one digit at a time, and so does this."""
    pages, fragments, taken = [], [], set()
    for d in digests:
        for number, (name, count) in enumerate(d.pages):
            merged_name = name[: len(language) + 8]
            if merged_name in taken:
                whole = d.full_name(number)
                while merged_name in taken:
                    merged_name = whole[: len(merged_name) + 1]
            taken.add(merged_name)
            pages.append([merged_name, count])
            fragments.append((d.folder / "fragment" / f"{name}.pf_fragment", merged_name))
    return pages, fragments


def merged_words(digests: list[Digest], offsets: list[int], meta_fields: list[str]) -> list[tuple]:
    """Every word, sorted: (word, [(page offset, postings)], {form: [(page offset, postings)]}), the years
    in page order. A form keeps its first year's place (Pagefind lists a word's variants in the order
    their first pages come). A year whose metadata fields are not the union's gets them renumbered."""
    words: dict[str, tuple[list, dict]] = {}
    for d, start in zip(digests, offsets, strict=True):
        fields = [meta_fields.index(name) for name in d.meta_fields]
        moved = fields != list(range(len(fields)))
        for word, postings, variants in d.words:
            entry = words.get(word)
            if entry is None:
                entry = words[word] = ([], {})
            if postings:
                entry[0].append((start, postings.with_fields(fields) if moved else postings))
            for form, postings_of_form in variants:
                renumbered = postings_of_form.with_fields(fields) if moved else postings_of_form
                entry[1].setdefault(form, []).append((start, renumbered))
    return [(word, *words[word]) for word in sorted(words)]


def encoded_chunk(chunk: list[tuple]) -> bytes:
    """A word chunk's CBOR: [[word, entries, [[form, entries]]]], the entries joined from every year."""
    encoded = [array_head(1), array_head(len(chunk))]
    for word, parts, variants in chunk:
        encoded += [array_head(3), cbor2.dumps(word), joined(parts), array_head(len(variants))]
        for form, form_parts in variants.items():
            encoded += [array_head(2), cbor2.dumps(form), joined(form_parts)]
    return b"".join(encoded)


def merged_filters(digests: list[Digest], offsets: list[int]) -> list[tuple[str, bytes]]:
    """Each filter's file (CBOR: [filter, [[value, [page]]]]), filters and values in one order (Pagefind
    writes them in hash-map order, which changes from run to run)."""
    values: dict[str, dict[str, list]] = {}
    for d, start in zip(digests, offsets, strict=True):
        for name, pages_by_value in d.filters.items():
            for value, value_pages in pages_by_value.items():
                values.setdefault(name, {}).setdefault(value, []).extend(page + start for page in value_pages)
    return [(name, cbor2.dumps([name, [[value, values[name][value]] for value in sorted(values[name])]]))
            for name in sorted(values)]  # fmt: skip


def merged_sorts(digests: list[Digest], offsets: list[int]) -> list[list]:
    """Each sort over every page: [[key, [page]]], by the value of the metadata field of the key's name."""
    sorts = []
    for key in sorted({key for d in digests for key in d.sorts}):
        values = []
        for d, start in zip(digests, offsets, strict=True):
            if key not in d.sorts:
                continue
            for number, page_meta in enumerate(d.metas):
                if key not in page_meta:
                    raise MergeError(
                        f"search_merge: sidan {d.pages[number][0]} i {d.folder} saknar metadata {key!r}. "
                        f"Sammanslagningen sorterar efter metadatafältet med samma namn som sorteringen: "
                        f'ge elementet med data-pagefind-sort="{key}[…]" också data-pagefind-meta="{key}[…]".'
                    )
                values.append((page_meta[key], number + start))
        sorts.append([key, sorted_pages(values)])
    return sorts


def merge(digests: list[Digest], chunk_size: int = CHUNK_SIZE) -> Merged:
    """One bundle from the years' digests, oldest first: what one Pagefind run over all their pages makes."""
    if not digests:
        raise MergeError("search_merge: inga årsindex att slå samman.")
    languages = {d.language for d in digests}
    if len(languages) != 1:
        raise MergeError(f"search_merge: årens sökindex har olika språk ({', '.join(sorted(languages))}).")
    language = digests[0].language
    meta_fields = sorted({name for d in digests for name in d.meta_fields})
    offsets = [sum(len(d.pages) for d in digests[:index]) for index in range(len(digests))]
    pages, fragments = merged_pages(digests, language)

    chunks = chunked(merged_words(digests, offsets, meta_fields), chunk_size)
    chunk_files, chunk_list, names = {}, [], set()
    for (first, last), chunk in zip(chunk_bounds(chunks), chunks, strict=True):
        data = encoded_chunk(chunk)
        name = short_name(language, data, names)
        chunk_files[name] = data
        chunk_list.append([first, last, name])
    filter_files, filter_list, names = {}, [], set()
    for filter_name, data in merged_filters(digests, offsets):
        name = short_name(language, data, names)
        filter_files[name] = data
        filter_list.append([filter_name, name])

    newest = digests[-1]
    return Merged(language=language, entry=newest.entry, include_characters=newest.include_characters,
                  pages=pages, fragments=fragments, chunks=chunk_list, chunk_files=chunk_files,
                  filters=filter_list, filter_files=filter_files, sorts=merged_sorts(digests, offsets),
                  meta_fields=meta_fields, runtime=newest.folder)  # fmt: skip


def write(merged: Merged, target: Path, previous: Path | None = None) -> None:
    """Write the merged bundle into `target` (a new folder) and its listing copy into target/LISTING;
    fragments and the runtime are hard links to the yearly bundles' files where the file system allows.
    A word or filter chunk that the `previous` merged bundle has already is linked from there: an edited
    post changes only the chunks of the words it changed, and compressing every chunk anew (as Pagefind
    does, at its best level) costs ~1.3 s of CPU at 2,000 posts."""
    for kind, files in (("index", merged.chunk_files), ("filter", merged.filter_files)):
        (target / kind).mkdir(parents=True)
        for name, data in files.items():
            file = f"{kind}/{name}.pf_{kind}"
            if previous is not None and same_data(previous / file, data):
                link(previous / file, target / file)
            else:
                (target / file).write_bytes(compressed(data))
    (target / "fragment").mkdir()
    for source, name in merged.fragments:
        link(source, target / "fragment" / f"{name}.pf_fragment")
    for pattern in RUNTIME:
        for source in sorted(merged.runtime.glob(pattern)):
            link(source, target / source.name)
    (target / LISTING).mkdir()
    for folder, listing in ((target, False), (target / LISTING, True)):
        meta = merged.meta(listing)
        name = f"{merged.language}_{full_hash(meta)[: len(merged.language) + 8]}"
        (folder / f"pagefind.{name}.pf_meta").write_bytes(compressed(meta))
        (folder / "pagefind-entry.json").write_bytes(merged.entry_file(name, listing))


def same_data(path: Path, data: bytes) -> bool:
    """Whether the index file at `path` holds `data` (decompressing is ~50 times cheaper than compressing)."""
    try:
        return gzip.decompress(path.read_bytes()) == SIGNATURE + data
    except (OSError, EOFError, gzip.BadGzipFile):
        return False


def link(source: Path, destination: Path) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def merge_bundles(years: list[Path], target: Path, previous: Path | None = None) -> Merged:
    """Merge the yearly bundles in `years` (oldest first) into `target`, reusing what the `previous`
    merged bundle has; return what was written."""
    merged = merge([digest(folder) for folder in years])
    write(merged, target, previous if previous is not None and previous.is_dir() else None)
    return merged


def main(argv: list[str]) -> int:
    previous = None
    if argv[:1] == ["--previous"]:
        previous, argv = Path(argv[1]), argv[2:]
    if len(argv) < 2:
        print(__doc__.rsplit("\n\n", 1)[-1], file=sys.stderr)
        return 2
    target, *years = map(Path, argv)
    try:
        merge_bundles(years, target, previous)
    except MergeError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
