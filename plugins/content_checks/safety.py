"""content_checks.safety: what editors write keeps the site's promises (no cookies, no tracking, nothing
that runs on the page, WCAG 2.1 AA), checked before anything is built.

The rules of content-format.md, "What content may contain", for post and page bodies, ``Summary``,
``Image_alt``, ``Image_caption`` and author bios (contact details are ``content_checks.contacts``'s):

- nothing that runs or loads from elsewhere (script, iframe, object, embed, form, style, link, meta,
  base, ``on…=`` and ``style=`` attributes, ``javascript:``, ``vbscript:`` and ``data:`` targets); an
  embed from a known video or social host gets the plain link to write instead;
- ``Summary``, ``Image_caption`` and ``Image_alt`` are text, never HTML; a bio has no raw HTML at all and
  links only to http:, https: and the site's own pages;
- a body's headings start at ``##`` (the title is the page's only h1) and never skip a level downwards;
- alt texts describe the image: no file or camera name, no placeholder word alone, not the caption;
  ``""`` is the decorative choice, and ``””``, ``“”`` or ``''`` is refused with that advice;
- link texts say where the link leads (not empty, not only "här", "läs mer", …; a bare URL is fine).

Markdown is read without rendering it (``content_checks.markdown_reading``), so every problem gets its
line and a big archive stays cheap. Every word and host list of these rules lives here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from authors import author_sources, plugin_settings

from content_checks import Problem, Site, Source, content_checked
from content_checks.images import DECORATIVE_ALT, no_alt
from content_checks.markdown_reading import INLINE_IMAGE, Link, Tag, Text, read_markdown

# ---------- Word and host lists ----------

# Elements that run code, load from elsewhere or change the page around them.
FORBIDDEN_TAGS = {
    "script": "kör kod i läsarens webbläsare",
    "noscript": "hör ihop med kod som körs i läsarens webbläsare",
    "iframe": "bäddar in en annan webbplats",
    "frame": "bäddar in en annan webbplats",
    "frameset": "bäddar in en annan webbplats",
    "object": "bäddar in ett program eller en annan webbplats",
    "embed": "bäddar in ett program eller en annan webbplats",
    "applet": "kör ett program i läsarens webbläsare",
    "form": "skickar det läsaren skriver till en annan adress",
    "style": "ändrar sidans utseende utanför webbplatsens stilmall",
    "link": "hämtar filer från en annan adress",
    "meta": "ändrar hur webbläsaren behandlar hela sidan",
    "base": "ändrar vart alla sidans länkar leder",
}
# Elements that play media: fine from content/, never from another site.
MEDIA_TAGS = {
    "video": "spelar en film",
    "audio": "spelar ljud",
    "source": "hämtar en film eller ett ljud",
    "track": "hämtar textning",
}
LOADING_ATTRIBUTES = {"src", "srcset", "poster", "data", "background"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "background", "xlink:href"}
RUNNING_SCHEMES = {"javascript", "vbscript", "data"}
# Known hosts of embeds: (host suffixes, name, what a plain link to it shows, the address it has).
EMBED_HOSTS = [
    (("youtube.com", "youtube-nocookie.com", "youtu.be"), "YouTube", "Filmen ”…”", "https://www.youtube.com/watch?v=…"),
    (("vimeo.com",), "Vimeo", "Filmen ”…”", "https://vimeo.com/…"),
    (("twitter.com", "x.com", "twimg.com", "t.co"), "X (Twitter)", "Inlägget om …", "https://x.com/…"),
    (("facebook.com", "facebook.net", "fb.com", "fb.watch"), "Facebook", "Inlägget om …", "https://www.facebook.com/…"),
    (("instagram.com",), "Instagram", "Bilden av …", "https://www.instagram.com/p/…"),
    (("linkedin.com", "licdn.com"), "LinkedIn", "Inlägget om …", "https://www.linkedin.com/…"),
    (("slideshare.net",), "SlideShare", "Presentationen ”…”", "https://www.slideshare.net/…"),
    (("spotify.com",), "Spotify", "Avsnittet ”…”", "https://open.spotify.com/episode/…"),
    (("soundcloud.com",), "SoundCloud", "Avsnittet ”…”", "https://soundcloud.com/…"),
    (("acast.com",), "Acast", "Avsnittet ”…”", "https://shows.acast.com/…"),
    (("tiktok.com",), "Tiktok", "Filmen ”…”", "https://www.tiktok.com/…"),
    (("issuu.com",), "Issuu", "Rapporten ”…”", "https://issuu.com/…"),
    (("prezi.com",), "Prezi", "Presentationen ”…”", "https://prezi.com/…"),
    (("flickr.com", "staticflickr.com"), "Flickr", "Bilderna från …", "https://www.flickr.com/photos/…"),
    (("google.com", "googleapis.com", "goo.gl"), "Google", "Kartan över …", "https://www.google.com/maps/…"),
    (("mentimeter.com",), "Mentimeter", "Resultatet av …", "https://www.mentimeter.com/…"),
    (("datawrapper.de", "dwcdn.net"), "Datawrapper", "Diagrammet över …", "https://www.datawrapper.de/…"),
]  # fmt: skip
# Alt texts that say nothing of what the image shows (compared in lower case, without punctuation).
PLACEHOLDER_ALTS = {
    "bild", "bilden", "bilder", "foto", "fotot", "fotografi", "fotografiet", "illustration",
    "illustrationen", "grafik", "grafiken", "figur", "figuren", "ikon", "toppbild", "omslagsbild",
    "bild saknas", "ingen bild", "alt", "alttext", "alt text", "image", "picture", "photo", "img",
    "illustration image", "graphic", "icon", "placeholder", "untitled", "namnlös", "bildtext",
    "skärmbild", "skärmavbild", "screenshot", "skärmdump",
}  # fmt: skip
IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|heic|heif|tiff?|bmp|svg)$", re.IGNORECASE)
# Names cameras, phones and screenshot tools give files: IMG_2043, DSC0012, 20180215_143200, …
# (Separators and words alternate, each word without _: "IMG_1_a_a_a…!" must not try every split.)
CAMERA_NAME = re.compile(
    r"^(?:(?:img|dsc[nf]?|dcim|pict?|photo|sam|gopr|gp|mvimg|pxl|wp|p|image)[\s_-]*\d{3,}"
    r"|\d{8}[\s_-]\d{6})(?:[\s_-]+[^\W_]+)*[\s_-]*$",
    re.IGNORECASE,
)
# The names screenshot tools give files: "Skärmavbild 2018-02-15 kl. 14.32.00", "Screenshot_20180215-143200",
# "Skärmbild (12)"; "Skärmbild av Tillväxtverkets startsida" is a description (see screenshot_name).
SCREENSHOT_PREFIX = re.compile(r"^(?:skärmavbild|skärmbild|screenshot|screen[\s_-]?shot)", re.IGNORECASE)
SCREENSHOT_WORDS = re.compile(r"\b(?:kl|at|am|pm|från|from)\b\.?", re.IGNORECASE)
SCREENSHOT_REST = re.compile(r"[\d\s.:,_()-]*")
# Typographic quote pairs a word processor makes of "" (a decorative alt text written by hand).
CURLY_EMPTY_ALTS = {"””", "“”", "„”", "«»", "»«", "''", "’’", "‘’", "´´", "``"}
# Link texts that do not say where the link leads (WCAG 2.4.4), compared like PLACEHOLDER_ALTS.
VAGUE_LINK_TEXTS = {
    "här", "klicka här", "klicka", "tryck här", "läs mer", "läs mer här", "läs här", "se här", "mer",
    "mer info", "mer information", "länk", "länken", "länk här", "denna länk", "den här länken",
    "här är länken", "click here", "here", "read more", "more", "link", "this link",
}  # fmt: skip
VAGUE_LENGTH = 40  # no vague link text, with its emphasis and punctuation, is longer

# Where a bio may link: web pages, the site's own pages (no scheme) and, refused by the authors plugin
# with its own message, contact links.
BIO_SCHEMES = {"", "http", "https", "mailto", "tel", "sms"}

# How two texts are compared (an alt text with its caption, a link text with the vague ones), and how a
# browser reads a link target.
MARKUP = re.compile(r"[*_~`]+")
NON_WORD = re.compile(r"[\W_]+")
CONTROL = re.compile(r"[\x00-\x20]+")


def _words(text: str) -> str:
    """Lower case, no Markdown emphasis, punctuation or extra space: how two texts are compared."""
    return " ".join(NON_WORD.sub(" ", MARKUP.sub("", text)).split()).casefold()


# ---------- Rules on one piece of text: (offset, message) pairs ----------


def embed_host(url: str) -> tuple[str, str, str] | None:
    """(name, what a link to it shows, a plain address) when ``url`` is on a known video or social host."""
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").casefold()
    for suffixes, name, what, address in EMBED_HOSTS:
        if any(host == suffix or host.endswith("." + suffix) for suffix in suffixes):
            return name, what, address
    return None


def plain_link_for(url: str, fallback: str) -> str:
    """The address a reader can follow instead of an embed: a YouTube or Vimeo player becomes the
    video's own page; anything else (a script, another player) gets the host's usual address form."""
    parts = urlsplit(url if "//" in url else f"https://{url}")
    host = (parts.hostname or "").casefold()
    video = re.match(r"^/(?:embed|v)/([\w-]+)", parts.path)
    if video and "youtube" in host:
        return f"https://www.youtube.com/watch?v={video.group(1)}"
    video = re.match(r"^/video/(\d+)", parts.path)
    if video and host.endswith("vimeo.com"):
        return f"https://vimeo.com/{video.group(1)}"
    return fallback


def _is_external(url: str) -> bool:
    url = CONTROL.sub("", url).casefold()
    return url.startswith(("http:", "https:", "//"))


def _scheme(url: str) -> str:
    """A link target's scheme as a browser reads it: character references decoded (Markdown passes
    ``&#58;`` through), spaces and control characters inside it ignored."""
    cleaned = CONTROL.sub("", html.unescape(url) if "&" in url else url).casefold()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else ""


def _short(raw: str, limit: int = 60) -> str:
    raw = " ".join(raw.split())
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


def _embed_message(tag: Tag) -> str:
    values = {name: value or "" for name, value in tag.attrs}
    what = FORBIDDEN_TAGS.get(tag.name) or MEDIA_TAGS[tag.name]
    url = next((values[name] for name in ("src", "data", "href", "action") if values.get(name)), "")
    host = embed_host(url) if _is_external(url) else None
    if host:
        name, shows, address = host
        return (
            f"<{tag.name}> {what} och laddar innehåll från {name}. Då kontaktar varje läsares webbläsare"
            f" {name} och kan få dess kakor, men sidan om personuppgifter lovar inga kakor och ingen"
            " spårning. Ta bort inbäddningen och skriv en vanlig länk som säger vart den leder, till"
            f" exempel: [{shows} på {name}]({plain_link_for(url, address)})"
        )
    if (tag.name in ("iframe", "frame", "object", "embed") or tag.name in MEDIA_TAGS) and _is_external(url):
        site = urlsplit(url if "//" in url else f"//{url}").hostname or url
        return (
            f"<{tag.name}> {what} ({site}). Då kontaktar varje läsares webbläsare den webbplatsen, men"
            " sidan om personuppgifter lovar inga kakor och ingen spårning. Skriv en vanlig länk i"
            f" stället, till exempel: [Vad som finns på sidan, på {site}](https://{site}/…)"
        )
    if tag.name == "form":
        return (
            f"<form> {what}, och webbplatsen tar inte emot något från läsarna. Länka till formuläret"
            " där det finns, till exempel: [Anmälan till seminariet](https://tillvaxtverket.se/…)"
        )
    return (
        f"<{tag.name}> {what}. Webbplatsen lovar att inget körs på sidan och att inget hämtas från andra"
        f" webbplatser (sidan om personuppgifter). Ta bort {_short(tag.raw)}{_through_end(tag.name)}."
    )


def _through_end(name: str) -> str:
    return f" och allt fram till </{name}>" if name in ("script", "style", "noscript") else ""


def running_problems(text: Text) -> Iterator[tuple[int, str]]:
    """Nothing that runs or loads from elsewhere: elements, on…= and style= attributes, link targets."""
    for tag in text.tags:
        if tag.name in FORBIDDEN_TAGS:
            yield tag.offset, _embed_message(tag)
            continue
        yield from attribute_problems(tag)
    yield from (problem for tag in text.attributes for problem in attribute_problems(tag))
    for link in text.links:
        scheme = _scheme(link.target)
        if scheme in RUNNING_SCHEMES and link.kind in ("inline", "definition"):
            yield link.offset, _scheme_message(scheme, _short(link.raw))


def attribute_problems(tag: Tag) -> Iterator[tuple[int, str]]:
    """on…= and style= attributes, running link targets and media from elsewhere, in an HTML tag or in
    an attribute list ``{: … }``."""
    listed = tag.name == "{:}"
    where = f"i {_short(tag.raw, 40)}" if listed else f"i <{tag.name}>"
    holder = "attributlistan" if listed else "taggen"
    for name, given in tag.attrs:
        value = given or ""
        if name.startswith("on"):
            message = (
                f"attributet {name}= {where} kör kod i läsarens webbläsare, och webbplatsen"
                f" lovar att inget körs på sidan. Ta bort {name}=… ur {holder}."
            )
            yield tag.offset, message
        elif name == "style":
            message = (
                f"attributet style= {where} ändrar utseendet utanför webbplatsens stilmall och kan"
                " hämta filer från andra webbplatser; webbläsaren visar det inte heller. Ta bort style=…"
                f" ur {holder}."
            )
            yield tag.offset, message
        elif name in URL_ATTRIBUTES and _scheme(value) in RUNNING_SCHEMES:
            yield tag.offset, _scheme_message(_scheme(value), _short(tag.raw))
        elif tag.name in MEDIA_TAGS and name in LOADING_ATTRIBUTES and _is_external(value):
            yield tag.offset, _embed_message(Tag(tag.offset, tag.name, [("src", value)], tag.raw))


def _scheme_message(scheme: str, raw: str) -> str:
    if scheme == "data":
        return (
            f"{raw} har en data:-adress, där filen ligger inne i texten. Lägg filen i content/images/ och"
            " hänvisa till den, till exempel: ![Vad bilden visar]({static}/images/2018/bild.jpg)"
        )
    return (
        f"{raw} kör kod ({scheme}:) i stället för att leda till en sida, och webbplatsen lovar att inget"
        " körs på sidan. Skriv sidans adress, till exempel: [Rapporten om …](https://tillvaxtverket.se/…)"
    )


def html_problems(text: Text, field_name: str) -> Iterator[tuple[int, str]]:
    """A field that is text only: no HTML tag at all (inline Markdown is fine)."""
    for tag in text.tags:
        message = (
            f"HTML ({_short(tag.raw, 40)}) går inte i {field_name}, som är ren text. Ta bort taggen;"
            " skriv *kursiv*, **fetstil** eller en länk som [Tillväxtverket](https://tillvaxtverket.se/)"
            " i Markdown."
        )
        yield tag.offset, message


def screenshot_name(value: str) -> bool:
    """Whether an alt text is the name a screenshot tool gave the file: its word, then only a date, a time
    or a number (with "kl.", "at", "från" and the like). Read in two steps, so that it stays linear."""
    prefix = SCREENSHOT_PREFIX.match(value)
    if not prefix:
        return False
    rest = SCREENSHOT_WORDS.sub(" ", value[prefix.end() :])
    return any(char.isdigit() for char in rest) and SCREENSHOT_REST.fullmatch(rest) is not None


def alt_problem(alt: str, caption: str = "", decorative: str = "") -> str | None:
    """Why an alt text does not describe its image, or None. ``decorative`` is how the editor marks
    the image decorative in this place (``Image_alt: ""``); empty for a body image, which always needs
    a description (Pelican refuses an empty alt text in a body)."""
    value = alt.strip()
    example = "Kvinna håller en presentation i Tillväxtverkets lokaler"
    empty = value in ("", DECORATIVE_ALT) or value in CURLY_EMPTY_ALTS
    if decorative and value == DECORATIVE_ALT:
        message = None
    elif empty and not decorative:
        message = (
            "bilden saknar alternativtext. Skriv vad bilden visar inom hakparenteserna, för den som inte"
            f" ser den (WCAG 1.1.1), till exempel: ![{example}](…). En bild i brödtexten kan inte vara"
            ' dekorativ: tillför den inget, ta bort den, eller gör den till toppbild med Image_alt: "".'
        )
    elif empty:
        message = (
            f"{value} är typografiska citattecken, så texten {value} skulle läsas upp. För en bild som bara"
            f" är dekorativ: skriv två raka citattecken, {decorative}."
        )
    elif IMAGE_FILE.search(value) or CAMERA_NAME.match(value) or screenshot_name(value):
        message = (
            f'"{value}" är ett filnamn, inte en beskrivning. Skriv vad bilden visar för den som inte ser'
            f" den (WCAG 1.1.1), till exempel: {example}."
        )
    elif len(value) <= VAGUE_LENGTH and (_words(value) in PLACEHOLDER_ALTS or not _words(value)):
        only = f" Är bilden bara dekorativ: {decorative}." if decorative else ""
        message = (
            f'"{value}" säger inte vad bilden visar. Skriv vad bilden visar för den som inte ser den'
            f" (WCAG 1.1.1), till exempel: {example}.{only}"
        )
    elif caption.strip() and abs(len(caption) - len(value)) <= 3 and _words(value) == _words(caption):
        message = (
            "alternativtexten är samma som bildtexten, så den som använder skärmläsare hör samma sak två"
            " gånger. Låt alternativtexten beskriva vad bilden visar och bildtexten säga något om den"
            f" (fotograf, sammanhang), till exempel: {example}."
        )
    else:
        message = None
    return message


def link_text_problem(link: Link) -> str | None:
    """Why a link's text does not say where it leads (WCAG 2.4.4), or None."""
    if len(link.text) > VAGUE_LENGTH and any(char.isalnum() for char in link.text[:VAGUE_LENGTH]):
        return None  # longer than any vague text, and not empty: most links, decided cheaply
    words = _words(INLINE_IMAGE.sub("", link.text))
    if any(alt.strip() and alt.strip() != DECORATIVE_ALT for alt in link.images):
        return None  # an image with an alt text is the link's text
    if words in VAGUE_LINK_TEXTS:
        return (
            f"länktexten ”{link.text.strip()}” säger inte vart länken leder; den som hoppar mellan länkar"
            " med skärmläsare hör bara den (WCAG 2.4.4). Låt länktexten säga vad som finns där, till"
            " exempel: Läs [rapporten om regionala företag](https://tillvaxtverket.se/…)"
        )
    if not words:
        return (
            f"länken {_short(link.raw)} har ingen text, så den syns inte och skärmläsare läser bara"
            " upp adressen (WCAG 2.4.4). Skriv vart den leder inom hakparenteserna, till exempel:"
            " [Tillväxtverkets webbplats](https://tillvaxtverket.se/)"
        )
    return None


def heading_problems(text: Text) -> Iterator[tuple[int, str]]:
    """Headings start at ## (the title is the only h1) and never skip a level on the way down."""
    level_before = 1
    for start, level, written in text.headings:
        if level == 1:
            message = (
                f"rubriken ”{_short(written)}” är på nivå 1, men inläggets titel är sidans enda"
                " huvudrubrik (WCAG 1.3.1). Börja brödtextens rubriker med ##, till exempel: ## Vad vi"
                " lärde oss. (Är # inte menat som en rubrik, skriv \\# i stället.)"
            )
            yield start, message
        elif level > level_before + 1:
            wanted = "#" * (level_before + 1)
            message = (
                f"rubriken ”{_short(written)}” hoppar från nivå {level_before} till nivå {level};"
                " rubrikerna visar textens struktur och får inte hoppa över en nivå på vägen ned"
                f" (WCAG 1.3.1). Skriv {wanted} här, till exempel: {wanted} Vad vi lärde oss"
            )
            yield start, message
        level_before = level


def link_problems(
    text: Text, kinds: tuple[str, ...] = ("inline", "reference", "html")
) -> Iterator[tuple[int, str]]:
    """Every link's text says where it leads."""
    for link in text.links:
        if not link.image and link.kind in kinds:
            problem = link_text_problem(link)
            if problem:
                yield link.offset, problem


def body_problems(text: Text) -> Iterator[tuple[int, str]]:
    """Every rule for a post's or a page's body."""
    yield from running_problems(text)
    yield from heading_problems(text)
    for link in (link for link in text.links if link.image):
        # No alt text at all: said the way Pelican's own warning is translated (images.no_alt).
        problem = no_alt(link.target) if not link.text.strip() else alt_problem(link.text, link.title)
        if problem:
            yield link.offset, problem if not link.text.strip() else f"bilden {_short(link.raw)}: {problem}"
        if link.kind != "html" and "<" in link.title:  # the caption: text, as Image_caption
            for _offset, message in html_problems(read_markdown(link.title), "bildtexten"):
                yield link.offset, f"bilden {_short(link.raw)}: {message}"
    yield from link_problems(text)


def inline_problems(text: Text, field_name: str) -> Iterator[tuple[int, str]]:
    """Summary and Image_caption: text with inline Markdown; no HTML, no running links, clear links."""
    yield from html_problems(text, field_name)
    yield from running_problems(Text(text.source, text.plain, [], text.links, text.attributes))
    yield from link_problems(text)


def bio_problems(text: Text) -> Iterator[tuple[int, str]]:
    """An author's bio: no raw HTML at all, links only to http:, https: and the site's own pages."""
    for tag in text.tags:
        message = (
            f"HTML ({_short(tag.raw, 40)}) går inte i en presentation, som bara är Markdown. Ta bort"
            " taggen; en länk skrivs [Tillväxtverket](https://tillvaxtverket.se/)."
        )
        yield tag.offset, message
    for link in text.links:
        scheme = _scheme(link.target)
        # Raw HTML is reported above; mailto:, tel: and sms: are contact details (the authors plugin).
        if link.kind in ("inline", "definition") and scheme not in BIO_SCHEMES:
            message = (
                f"länken {_short(link.raw)} leder inte till en webbsida ({scheme}:). En presentation får"
                " bara länka till webbsidor (http: eller https:) och till bloggarkivets egna sidor, till"
                " exempel [Tillväxtverket](https://tillvaxtverket.se/) eller [Om bloggen](/om-bloggen/)."
            )
            yield link.offset, message
    yield from (problem for tag in text.attributes for problem in attribute_problems(tag))
    yield from link_problems(text, ("inline", "reference"))  # an HTML link is refused as a whole above


# ---------- Rules on the site: Problems with file, line and field ----------


def _problems(
    site: Site, source: Source, field_name: str, found: Iterable[tuple[int, str]], body: bool = False
) -> Iterator[Problem]:
    """Problems of one place: the body's at their own lines, a header field's at its line."""
    for offset, message in found:
        where = source.line_at(offset) if body else source.meta_lines.get(field_name.lower(), 1)
        yield Problem(site.name(source.path), message, where, field_name)


def source_problems(site: Site, source: Source) -> Iterator[Problem]:
    """Every content rule for one post or page."""
    if source.problems:
        return
    yield from _problems(site, source, "brödtexten", body_problems(source.markdown), body=True)
    meta = source.meta
    for key, name in (("summary", "Summary"), ("image_caption", "Image_caption")):
        if meta.get(key):
            text = read_markdown(meta[key])
            yield from _problems(site, source, name, inline_problems(text, name))
    alt = meta.get("image_alt")
    if alt and meta.get("image"):
        found = list(html_problems(read_markdown(alt), "Image_alt"))
        problem = alt_problem(alt, meta.get("image_caption", ""), 'Image_alt: ""')
        if problem:
            found.append((0, problem))
        yield from _problems(site, source, "Image_alt", found)


def check_content(site: Site) -> Iterator[Problem]:
    """content_checked rule: every post and page keeps the site's promises."""
    for source in site.sources:
        yield from source_problems(site, source)


def check_bios(site: Site) -> Iterator[Problem]:
    """content_checked rule: author bios have no raw HTML and link only to web pages."""
    for source in author_sources(site.root, plugin_settings(site.settings)["path"]):
        if not source.problems and source.body.strip():
            found = bio_problems(read_markdown(source.body))
            yield from _problems(site, source, "presentationen", found, body=True)


def register() -> None:
    content_checked.connect(check_content)
    content_checked.connect(check_bios)
