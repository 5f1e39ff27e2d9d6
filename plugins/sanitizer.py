"""sanitizer: every HTML fragment that comes from content keeps to one allowlist, by construction.

Markdown lets an editor write any HTML, and an old export is full of it. The friendly rules
(``content_checks.safety``) read the Markdown and name what they know; this module is the guarantee under
them. Every fragment made from content (a post's or a page's body and ``Summary``, a top image's caption,
an author's bio, an archived comment) goes through nh3 (Ammonia, on html5ever: the HTML5 parsing
algorithm browsers follow) under the site's allowlist (``TAGS``, ``ATTRIBUTES``, ``URL_SCHEMES``): the
elements of running text, tables, figures and pictures; links to the site's own pages and to ``http:``
and ``https:``; images only from the site itself; no comment, no ``<meta>``, no ``style``, no ``on…``.

A fragment that the allowlist changes in anything but serialization stops the build (``check``): both
the rendered and the allowed fragment go through the same parser and serializer, once with this
allowlist and once with one that allows everything the fragment holds, and the two must be equal. What
was taken away is told in Swedish at the source line where its text is (``problems``); an HTML comment
gets its own message (``comment_message``), for it is usually a note that was never meant to be published.

HTML becomes ``Markup`` (so that the templates, which escape everything else, print it as it is) only
here: ``allowed`` for a fragment, and ``mark_safe`` for what Pelican makes of a post (body, summary,
title). The glue collects the problems found while the content is read and stops the build with all of
them once reading is done (``stop_on_problems``).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import build_context
import nh3
from content_checks import ContentError, Problem, Site
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Page

# ---------- The allowlist ----------

TAGS = frozenset(
    {
        # text and structure
        "p", "br", "wbr", "hr", "div", "span", "blockquote", "pre", "code",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark",
        "abbr", "cite", "q", "dfn", "kbd", "samp", "var", "time", "bdi", "bdo", "ruby", "rt", "rp",
        "ul", "ol", "li", "dl", "dt", "dd", "details", "summary",
        # tables
        "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
        # images (figures makes <picture> with a WebP <source>)
        "figure", "figcaption", "picture", "source", "img",
    }
)  # fmt: skip
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "source": {"srcset", "sizes", "type", "media"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "td": {"colspan", "rowspan", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "details": {"open"},
}
URL_SCHEMES = frozenset({"http", "https"})  # besides the site's own addresses (no scheme)
# Attributes that load something into the page: only from the site itself.
LOADING = {("img", "src"), ("img", "srcset"), ("source", "srcset")}
# Removed with everything inside them (the rest lose the tag and keep their text).
CONTENT_REMOVED = frozenset({"script", "style"})

# What the permissive pass must allow to keep a fragment whole: every tag name the tokenizer can see
# (a letter after "<", then anything up to white space, "/" or ">") and every scheme a URL can have.
TAG_NAME = re.compile(r"</?([A-Za-z][^\t\n\f\r />]*)")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]{0,40}):")
URL_IGNORED = re.compile(r"[\t\n\r]")  # a URL parser drops these anywhere (WHATWG URL)
PLACEHOLDER = re.compile(r"^\{\w+\}")  # Pelican's {static}, {filename}, …: the site's own files


def site_address(url: str, siteurl: str = "") -> bool:
    """Whether a URL stays on the site: a path (``/x``, ``x``, ``{static}/x``) or one under SITEURL,
    never another host (``//host``, ``/\\host``) or a scheme. Read as a browser does: tabs and line
    breaks dropped, ``\\`` as ``/``, leading and trailing spaces and control characters stripped."""
    cleaned = URL_IGNORED.sub("", url).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                              "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
                                              "\x1d\x1e\x1f ").replace("\\", "/")  # fmt: skip
    if siteurl and (cleaned == siteurl or cleaned.startswith(siteurl.rstrip("/") + "/")):
        return True
    if PLACEHOLDER.match(cleaned):
        return True
    return not cleaned.startswith("//") and not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", cleaned)


def _srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


def _keeps(siteurl: str, tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: an image's address only from the site itself."""
    if (tag, attribute) not in LOADING:
        return value
    urls = _srcset_urls(value) if attribute == "srcset" else [value]
    return value if all(site_address(url, siteurl) for url in urls) else None


@functools.lru_cache(maxsize=8)
def cleaner(siteurl: str = "") -> nh3.Cleaner:
    """The site's allowlist as one reusable nh3 cleaner (one per SITEURL: images may name it)."""
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(CONTENT_REMOVED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=functools.partial(_keeps, siteurl),
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel=None,
    )


def sanitize(fragment: str, siteurl: str = "") -> str:
    """The fragment as the allowlist leaves it, serialized by html5ever."""
    return cleaner(siteurl).clean(fragment) if fragment else fragment


def whole(fragment: str) -> str:
    """The fragment through the same parser and serializer, with everything it holds allowed: what
    ``sanitize`` would give if the allowlist took nothing away."""
    unescaped = URL_IGNORED.sub("", html.unescape(fragment))
    return nh3.Cleaner(
        tags=TAGS | {name.lower() for name in TAG_NAME.findall(fragment)},
        clean_content_tags=set(),
        attributes={},
        # Every attribute name starts with a character of the fragment (lower-cased by the parser).
        generic_attribute_prefixes=set(fragment.lower()) | set(fragment) | {"\ufffd"},
        url_schemes={scheme.lower() for scheme in SCHEME.findall(unescaped)},
        strip_comments=False,
        link_rel=None,
    ).clean(fragment)


# ---------- What the allowlist took away ----------


@dataclass(frozen=True)
class Removal:
    """One thing the allowlist took away: an element, an attribute of a kept element, or a comment."""

    kind: str  # "element", "attribute", "comment"; "other" when the difference has no name
    name: str  # the element's or attribute's name; the comment's text
    tag: str = ""  # the element that held the attribute
    value: str = ""  # the attribute's value, or the element's attributes as written

    def shown(self, limit: int = 60) -> str:
        """What was taken away, written as HTML and shortened for a message."""
        if self.kind == "comment":
            text = f"<!--{self.name}-->"
        elif self.kind == "element":
            text = f"<{self.name}{self.value}>"
        else:
            text = f'{self.name}="{self.value}"'
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"


class _Tokens(HTMLParser):
    """Start tags (name, attributes) and comments of a fragment serialized by html5ever, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tokens.append(("element", tag, tuple((name, value or "") for name, value in attrs)))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("comment", data, ()))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(("comment", data, ()))


def _tokens(fragment: str) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    parser = _Tokens()
    try:
        parser.feed(fragment)
        parser.close()
    except AssertionError:
        # Python 3.11's html.parser gives up on a marked section it does not know (``<![a``), which
        # html5ever keeps as raw text inside <noscript>: the tokens before it still say what was removed.
        pass
    return parser.tokens


def _attributes_written(attributes: Iterable[tuple[str, str]]) -> str:
    return "".join(f' {name}="{value}"' if value else f" {name}" for name, value in attributes)


def removals(complete: str, allowed: str) -> list[Removal]:
    """What ``allowed`` lacks of ``complete`` (both serialized by html5ever, the first by ``whole``):
    the allowlist only takes away, so the two are walked side by side."""
    found: list[Removal] = []
    kept = _tokens(allowed)
    position = 0
    for kind, name, attributes in _tokens(complete):
        if kind == "comment":
            found.append(Removal("comment", name))
            continue
        match = next((index for index in range(position, len(kept)) if kept[index][1] == name), None)
        if name not in TAGS or match is None:
            found.append(Removal("element", name, value=_attributes_written(attributes)))
            continue
        position = match + 1
        left = set(kept[match][2])
        gone = [(key, value) for key, value in attributes if (key, value) not in left]
        found.extend(Removal("attribute", key, name, value) for key, value in gone)
    return found


@dataclass(frozen=True)
class Checked:
    """A fragment as published (``html``) and what the allowlist took away from it (nothing: fine)."""

    html: str
    removed: tuple[Removal, ...] = ()


def check(fragment: str, siteurl: str = "") -> Checked:
    """Sanitize a fragment and say what that took away beyond serialization. Cheap when nothing: the
    allowed fragment is then most often the rendered one byte for byte, and the second pass is skipped."""
    allowed = sanitize(fragment, siteurl)
    if allowed == fragment:
        return Checked(allowed)
    complete = whole(fragment)
    if complete == allowed:
        return Checked(allowed)
    return Checked(allowed, tuple(removals(complete, allowed)) or (Removal("other", ""),))


# ---------- Messages for editors ----------

WHAT_TAGS_DO = {
    "script": "kör kod i läsarens webbläsare",
    "noscript": "hör ihop med kod som körs i läsarens webbläsare",
    "iframe": "bäddar in en annan webbplats",
    "frame": "bäddar in en annan webbplats",
    "object": "bäddar in ett program eller en annan webbplats",
    "embed": "bäddar in ett program eller en annan webbplats",
    "form": "skickar det läsaren skriver till en annan adress",
    "input": "är en del av ett formulär",
    "button": "är en del av ett formulär",
    "style": "ändrar sidans utseende utanför webbplatsens stilmall",
    "link": "hämtar filer från en annan adress",
    "meta": "ändrar hur webbläsaren behandlar hela sidan, till exempel skickar läsaren vidare",
    "base": "ändrar vart alla sidans länkar leder",
    "svg": "kan köra kod och hämta filer från andra webbplatser",
    "math": "kan gömma element som inte är tillåtna",
    "video": "spelar en film",
    "audio": "spelar ljud",
}
ALLOWED_IN_WORDS = (
    "Texten får innehålla stycken, rubriker, länkar, betoning, listor, tabeller, citat och bilder från"
    " webbplatsen själv"
)
PRIVATE_NOTE = (
    "En anteckning som inte ska publiceras skriver du utanför filen, till exempel i pull requesten eller i"
    " ett ärende."
)


def comment_message(removal: Removal) -> str:
    """An HTML comment: not a mistake to remove quietly, but a note the editor did not mean to publish."""
    text = removal.name.strip()
    if text.startswith("[CDATA["):
        return (
            f"<!{_short(text, 40)} är XML (CDATA), som en webbläsare läser som en kommentar. Ta bort"
            " <![CDATA[ och ]]> och skriv texten som vanlig text."
        )
    return (
        f"HTML-kommentaren {removal.shown()} publiceras inte: allt i den skulle annars gå att läsa i sidans"
        f" källkod, för vem som helst. Ta bort kommentaren. {PRIVATE_NOTE}"
    )


def message(removal: Removal) -> str:
    """Why the build cannot publish what the allowlist took away, and what to do, in Swedish."""
    if removal.kind == "comment":
        return comment_message(removal)
    if removal.kind == "element":
        return element_message(removal)
    if removal.kind == "attribute":
        return attribute_message(removal)
    return (
        "HTML i texten skulle ändras när den görs säker för publicering. Skriv texten i Markdown, utan"
        f" HTML-taggar. {ALLOWED_IN_WORDS}."
    )


def element_message(removal: Removal) -> str:
    name = removal.name
    does = WHAT_TAGS_DO.get(name)
    why = f"<{name}> {does}" if does else f"{ALLOWED_IN_WORDS}, och <{name}> hör inte dit"
    inside = " och allt fram till </script>" if name == "script" else " (texten i den kan stå kvar)"
    return f"{removal.shown()} kan inte publiceras: {why}. Ta bort taggen{inside}."


def attribute_message(removal: Removal) -> str:
    name, tag, value = removal.name, removal.tag, removal.value
    if name.startswith("on"):
        message = (
            f"attributet {name}= i <{tag}> kör kod i läsarens webbläsare, och webbplatsen lovar att inget"
            f" körs på sidan. Ta bort {name}=… ur taggen."
        )
    elif name == "style":
        message = (
            f"attributet style= i <{tag}> ändrar utseendet utanför webbplatsens stilmall och kan hämta"
            " filer från andra webbplatser. Ta bort style=… ur taggen."
        )
    elif (tag, name) in LOADING:
        message = (
            f"bilden {_short(value)} hämtas från en annan webbplats. Bilder får bara komma från"
            " webbplatsen själv: lägg bilden i content/images/ och skriv {static}/images/…"
        )
    elif name in ("href", "src"):
        scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
        runs = scheme in ("javascript", "vbscript", "data")
        why = "kör kod i stället för att leda till en sida" if runs else "leder inte till en webbsida"
        message = (
            f"länken {_short(value)} {why}. Webbplatsen länkar bara till webbsidor (http: eller https:)"
            " och till sina egna sidor. Skriv sidans adress, till exempel:"
            " [Rapporten om …](https://tillvaxtverket.se/…)"
        )
    else:
        message = (
            f"attributet {name}= i <{tag}> kan inte publiceras: {ALLOWED_IN_WORDS}, med ett fåtal"
            f" attribut. Ta bort {name}=… ur taggen."
        )
    return message


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _needles(removal: Removal) -> list[re.Pattern]:
    """Patterns for where a removal's text is written in the source, most exact first."""
    if removal.kind == "other":
        return []
    if removal.kind == "comment":
        start = removal.name.strip()[:20]
        written = re.compile(re.escape(f"<!--{removal.name[:20]}"))
        return [written, re.compile(re.escape(start)) if start else None, re.compile(r"<!|</")]
    if removal.kind == "element":
        return [re.compile(rf"<\s*{re.escape(removal.name)}(?![\w-])", re.IGNORECASE)]
    value = removal.value.strip()[:30]
    return [
        re.compile(re.escape(value)) if value else None,
        re.compile(rf"(?<![\w-]){re.escape(removal.name)}\s*=", re.IGNORECASE),
        re.compile(rf"<\s*{re.escape(removal.tag)}(?![\w-])", re.IGNORECASE),
    ]


def line_of(removal: Removal, text: str, start: int = 0, end: int | None = None, skip: int = 0) -> int:
    """The 1-based line of ``text`` (searched from ``start`` to ``end``) where the removal is written,
    passing ``skip`` earlier places of the same kind; 0 when it cannot be found there."""
    end = len(text) if end is None else end
    for needle in _needles(removal):
        if needle is None:
            continue
        places = [match.start() for match in needle.finditer(text, start, end)]
        if places:
            return text.count("\n", 0, places[min(skip, len(places) - 1)]) + 1
    return 0


def problems(
    checked: Checked, text: str, start: int = 0, end: int | None = None, fallback: int = 0
) -> list[tuple[int, str]]:
    """(line, message) for each thing the allowlist took away from a fragment made from ``text``."""
    seen: dict[tuple[str, str, str], int] = {}
    found = []
    for removal in checked.removed:
        kind = (removal.kind, removal.name if removal.kind != "comment" else "", removal.tag)
        skip = seen.get(kind, 0)
        seen[kind] = skip + 1
        found.append((line_of(removal, text, start, end, skip) or fallback, message(removal)))
    return found


# ---------- Pelican glue ----------

STATE = "sanitizer"  # the problems found while this build reads its content, in its context (build_context)


def report(settings: dict, found: Iterable[Problem]) -> None:
    """Remember problems found while reading; the build stops with them once reading is done."""
    build_context.of(settings).state(STATE, list).extend(found)


def source_name(settings: dict, path: str | Path) -> str:
    """A content file as the editor knows it (content/posts/…), as every Problem names it."""
    return Site(root=Path(settings["PATH"]), settings=settings, sources=[]).name(Path(path))


def field_html(settings: dict, fragment: str, source_path: str, field: str) -> Markup:
    """A header field's HTML (a top image's caption) as Markup once the allowlist has passed it; what it
    takes away is reported at the field's line of the file."""
    checked = check(fragment, settings.get("SITEURL", ""))
    if checked.removed:
        text = Path(source_path).read_text(encoding="utf-8")
        line = re.search(rf"(?im)^{re.escape(field)}\s*:", text)
        start = line.start() if line else 0
        end = text.find("\n", start)
        fallback = text.count("\n", 0, start) + 1
        found = problems(checked, text, start, end if end >= 0 else None, fallback)
        name = source_name(settings, source_path)
        report(settings, [Problem(name, message, number, field) for number, message in found])
    return passed(checked)


def passed(checked: Checked) -> Markup:
    """A checked fragment as published, as Markup (what was taken away is reported by the caller)."""
    return Markup(checked.html)


def allowed(fragment: str, siteurl: str = "") -> Markup:
    """A fragment that the allowlist has passed, as Markup: the templates print it as it is."""
    return Markup(sanitize(fragment, siteurl))


class _SafeHTML:
    """What a post or page gives the templates as HTML, as Markup once it has passed the allowlist.

    The body and a ``Summary`` were sanitized when they were converted (content_cache); Pelican then puts
    the site's addresses into their links (``_update_content``), which is sanitized again where it
    changed anything (a post that links to another file). A summary Pelican cuts from the body is
    sanitized too. A page the theme makes (no source file, e.g. the page on personal data) is the
    theme's own HTML."""

    def _update_content(self, content: str, siteurl: str) -> Markup:
        updated = super()._update_content(content, siteurl)
        if self.source_path is None or not updated:
            return Markup(updated or "")
        return Markup(updated if updated == content else sanitize(updated, self.settings.get("SITEURL", "")))

    def get_summary(self, siteurl: str) -> Markup:
        summaries = self.__dict__.setdefault("_safe_summaries", {})  # shown in several listings
        if siteurl not in summaries:
            value = super().get_summary(siteurl)
            safe = isinstance(value, Markup) or self.source_path is None
            summaries[siteurl] = (
                Markup(value or "") if safe else allowed(value, self.settings.get("SITEURL", ""))
            )
        return summaries[siteurl]


class SafeArticle(_SafeHTML, Article):
    """An Article whose HTML is Markup (``mark_safe``)."""


class SafePage(_SafeHTML, Page):
    """A Page whose HTML is Markup (``mark_safe``)."""


# Pelican reads a content class's settings by its name (ARTICLE_SAVE_AS, PAGE_URL, …): keep the names.
SafeArticle.__name__, SafePage.__name__ = Article.__name__, Page.__name__
SAFE_CLASSES = {Article: SafeArticle, Page: SafePage}


def mark_safe(content) -> None:
    """A post's or page's body, summary and title are HTML made from content: Markup, once passed. The
    object becomes its class's safe subclass (importable, so Pelican's own cache can still pickle it);
    the title is text the reader escaped before typography, sanitized all the same."""
    safe = SAFE_CLASSES.get(type(content))
    if safe is None:
        return
    content.__class__ = safe
    title = getattr(content, "title", None)
    if isinstance(title, str) and not isinstance(title, Markup):
        trusted = content.source_path is None
        content.title = Markup(title if trusted else sanitize(title, content.settings.get("SITEURL", "")))


def stop_on_problems(generators) -> None:
    """Once all content is read: stop the build if the allowlist took anything away."""
    found = build_context.of(generators[0].settings).plugins.pop(STATE, []) if generators else []
    if found:
        raise ContentError(found)


def forget(pelican) -> None:
    """The templates escape every value: the HTML above is the only HTML they print as it is. (A new
    build starts with no problems: they are kept in its own context.)"""
    environment = pelican.settings.get("JINJA_ENVIRONMENT", {})
    pelican.settings["JINJA_ENVIRONMENT"] = {**environment, "autoescape": True}


def register() -> None:
    signals.initialized.connect(forget)
    signals.content_object_init.connect(mark_safe)
    signals.all_generators_finalized.connect(stop_on_problems)
