"""Pelican settings for local builds. publishconf.py changes only what production needs."""

# Site
SITENAME = "Tillväxtverkets bloggarkiv"
SITESUBTITLE = "Inlägg från Tillväxtverkets blogg 2016–2021"
SITEURL = ""
PUBLISHER = {
    "name": "Tillväxtverket",
    "url": "https://tillvaxtverket.se/",
}
DEFAULT_LANG = "sv"
TIMEZONE = "Europe/Stockholm"
DEFAULT_PAGINATION = 10
RELATIVE_URLS = False

# Content: what editors write (see docs/redaktorsguide.md)
PATH = "content"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# authors/ and comments/ are read by their plugins, never published as posts or pages.
# Editors' backup files, and the litter of operating systems (skipped anywhere, never published).
IGNORE_FILES = [".#*", "*~", "*.swp", "Thumbs.db", "[Dd]esktop.ini", ".DS_Store", "._*"]
SLUGIFY_SOURCE = "title"
SLUG_REGEX_SUBSTITUTIONS = [
    (r"[^\w\s-]", ""),  # punctuation is dropped
    (r"(?u)\A\s*", ""),
    (r"(?u)(?<!\s)\s+\Z", ""),  # from where the spaces start: "\s*\Z" is quadratic on a run of them
    (r"[-\s]+", "-"),
]
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
READERS = {"html": None, "htm": None}  # posts are Markdown only; stray .html files are not content

# Addresses: pretty, stable, Swedish, always containing the slug
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
DRAFT_URL = "utkast/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
DRAFT_PAGE_URL = "utkast/sidor/{slug}/"
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_URL + "index.html"
CATEGORY_URL = "kategorier/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_URL = "kategorier/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAG_URL = "taggar/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_URL = "taggar/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
AUTHOR_URL = "skribenter/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
AUTHORS_URL = "skribenter/"
AUTHORS_SAVE_AS = AUTHORS_URL + "index.html"
ARCHIVES_URL = "arkiv/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "arkiv/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "arkiv/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
DAY_ARCHIVE_SAVE_AS = ""
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/sida/{number}/", "{base_name}/sida/{number}/index.html"),
)
INDEX_SAVE_AS = "index.html"
INDEX_URL = ""  # page 1 of the start page is "/", not "/index.html"
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404"]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
NOT_FOUND_SAVE_AS = "404.html"
# Search page (theme/templates/search.html); plugins/search_index.py builds its Pagefind index.
DIRECT_TEMPLATES += ["search"]
SEARCH_URL = "sok/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"

# Feeds: one site feed and one per category; none per tag (cheap and enough)
# Feeds need absolute links; locally they point at the preview server (publishconf sets the real one).
FEED_DOMAIN = "http://localhost:8000"
FEED_ALL_ATOM = "flode.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = "kategorier/{slug}/flode.xml"
AUTHOR_FEED_ATOM = "skribenter/{slug}/flode.xml"
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = True
# A post without `Summary` is summed up by its whole first paragraph (content-format.md), not by
# Pelican's default of its first 50 words.
SUMMARY_MAX_PARAGRAPHS = 1
SUMMARY_MAX_LENGTH = None

# Theme and plugins
THEME = "theme"
# Pelican's defaults, plus no auto_reload: every build makes a new environment anyway, and checking each
# template file's mtime on every include cost ~1 s per 1,000 posts (33,000 stat calls). Autoescape: every
# value a template prints is text and escaped, except HTML the sanitizer has passed (plugins/sanitizer.py).
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "auto_reload": False,
    "autoescape": True,
}
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "slugs",  # first: the content checks slugify every title (a memo for the process)
    "content_checks",  # every content rule family: fields, dates, links, images, safety, contacts
    "swedish_dates",
    "swedish_typography",
    "hyphenation",  # soft hyphens in headings: the filter |hyphenate (plugins/hyphenation.py)
    "swedish_order",
    "neighbors",
    "stylesheet",
    "archived_comments",
    "figures",  # before authors: author photos use its images
    "authors",
    "seo",
    "pagination",  # numbered pages in listings: page_window() for partials/pagination.html
    "security_headers",  # Content-Security-Policy on every page, and _headers for the host
    "sitemap",
    "feed_ids",  # each Atom feed its own id (its address), not the site's
    "feeds",  # xml:lang, every author, the top image, " – " and a Swedish page in browsers (flode.xsl)
    "aliases",
    "sanitizer",  # content HTML by allowlist (nh3); stops the build where it takes something away
    "search_index",
    "content_cache",  # Markdown + typogrify once per file hash (see bench/ for what it buys)
    "render_cache",  # a rebuild renders only the pages whose inputs changed
    "template_cache",  # each template compiled once per process, not once per generator and build
]

# Markdown and typography
MARKDOWN = {
    "extension_configs": {
        # Footnotes' back links are read aloud and shown on hover: in Swedish, not Markdown's English.
        "markdown.extensions.extra": {"footnotes": {"BACKLINK_TITLE": "Tillbaka till fotnot %d i texten"}},
        "figures.mdx_figures": {},  # images alone in a paragraph become figures (plugins/figures)
        "mdx_table_alignment": {},  # a column's alignment as a class: the CSP refuses style=
        # Swedish uses the same mark on both sides: ”citat” and ’ord’, plus – — … for -- --- ...
        # One pass over the finished HTML with the rules titles get (plugins/swedish_typography.py);
        # Markdown's smarty extension made the same output at ~20 % of a cold build (see bench/).
        "mdx_swedish_quotes": {},
    },
    "output_format": "html5",
}
TYPOGRIFY = True
# Typogrify keeps what it does well: no widows (widont) and ampersands (amp). Omitted: smartypants
# (English quotes; mdx_swedish_quotes made Swedish ones), caps (skips words with Å/Ä/Ö, and no style
# uses its spans) and initial_quotes (spans for English hanging quotes, unstyled too).
TYPOGRIFY_OMIT_FILTERS = ["smartypants", "caps", "initial_quotes"]

# Caching. Our caches key every file by its content (SHA-256), so a git checkout's new times cost
# nothing; Pelican's own content cache is off, and its file stamps (CHECK_MODIFIED_METHOD) stay at the
# cheap default, mtime: it stamps every file four times a build even with its cache off.
CACHE_PATH = ".cache/pelican"

# Author photos are shown 6rem (cards) and 8rem (author pages) wide: derivatives for 1x–3x screens.
PORTRAIT_WIDTHS = [128, 256, 384]

# Footer links of every page (pages by slug, in this order)
FOOTER_PAGES = ["om-bloggen", "tillganglighet", "personuppgifter"]
