"""The attack corpus of issue 20: what a hostile or careless editor, or an old export, may write.

Each ``Case`` is a few files added to the minimal test site. A case either stops the build with a Swedish
message naming its file, or builds with nothing of it reaching any output file as markup (the checks are
in ``test_corpus.py``). Every payload names its own case (``evil.example/<case>``, ``alert(<n>)``), so
whatever gets through says where it came from.

The parser differentials (class 2) are generated: every disagreement between parsers below, around every
payload, in every place content can hold HTML. The classes follow the issue: 1 fields, 2 parser
differentials, 3 static files, 4 addresses, 5 loads from elsewhere, 6 contact details, 7 tracebacks
(class 8, time, is ``test_time_budget.py``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

AUTHOR = "Anna Berg"
CATEGORY = "Turism"


@dataclass
class Case:
    """Files added to the minimal site (paths below content/), and what must hold for them."""

    name: str
    klass: int
    files: dict[str, str | bytes]
    outcome: str = "either"  # "stops", "builds" or "either"
    said: str = ""  # a regex the stopping message must match
    # (file glob in the output, regex) pairs that must match in no output file: texts that are no markup
    # (contact details, a file's contents) but must not be published either.
    leaks: tuple[tuple[str, str], ...] = ()
    pages: tuple[str, ...] = ()  # extra output paths to open in the browser (the post's own is added)
    alone: bool = False  # built in a site of its own (it would change pages other cases are checked on)
    symlinks: dict[str, str] = field(default_factory=dict)  # {path below content/: target}

    @property
    def post(self) -> str:
        return f"posts/2019/{self.name}.md"

    @property
    def slug(self) -> str:
        return self.name


def post(name: str, body: str = "Ett stycke.", headers: str = "", title: str = "") -> dict[str, str]:
    """A post file of a case: its title and slug are the case's name."""
    number = sum(map(ord, name)) % 50
    return {
        f"posts/2019/{name}.md": (
            f"Title: {title or name.replace('-', ' ').capitalize()}\n"
            f"Slug: {name}\nDate: 2019-03-{number % 28 + 1:02d} 10:{number:02d}\nAuthor: {AUTHOR}\n"
            f"Category: {CATEGORY}\n{headers}\n{body}\n\n{marker(name)}\n"
        )
    }


def page(name: str, body: str = "En sida.", headers: str = "") -> dict[str, str]:
    """A page file of a case (pages may set Save_as, URL and Template)."""
    title = name.replace("-", " ").capitalize()
    return {f"pages/{name}.md": f"Title: {title}\nSlug: {name}\n{headers}\n{body}\n\n{marker(name)}\n"}


def marker(name: str) -> str:
    """A line in each post that names its case: the test finds the case's page by it."""
    return f"Fall {name}."


def payloads(name: str) -> dict[str, str]:
    """What each payload does when it gets through, marked with its case."""
    return {
        "meta": f'<meta http-equiv="refresh" content="0;url=https://evil.example/{name}">',
        "script": f"<script>alert('{name}')</script>",
        "img": f"<img src=https://evil.example/{name}.png alt=bild>",
        "onerror": f"<img src=x onerror=alert('{name}') alt=bild>",
        "jslink": f"<a href=\"javascript:alert('{name}')\">länk till rapporten</a>",
    }


# Where HTML parsers disagree: html.parser (what rules used to read), Python-Markdown and html5ever/browsers.
DIFFERENTIALS = {
    "plain": "{payload}",
    "bang-comment": "<!-- x --!>{payload}-->",
    "short-comment": "<!-->{payload}",
    "cdata": "<![CDATA[ >{payload} ]]>",
    "stray-end": "</x {payload}",
    "bogus-end": "</ x>{payload}",
    "unclosed-attribute": '<a href="https://tillvaxtverket.se/ title="{payload}">rapporten</a>',
}


def body_places(text: str) -> dict[str, str]:
    """Every way a body holds raw HTML that a reader of the Markdown might take for something else."""
    return {
        "body": f"Ett stycke.\n\n{text}\n\nEtt till.",
        "footnote": f"Text med fotnot[^1].\n\n[^1]: Fotnoten {text}",
        "div-indented": f"<div>\n    {text}\n</div>",
        "unclosed-fence": f"```\n{text}",
        "tilde-text-fence": f"~~~ text\n{text}\n~~~",
        "escaped-backticks": f"Visa \\`{text}\\` som kod.",
        "backticks-across-paragraphs": f"Början `av kod\n\n{text}\n\nslut` här.",
    }


def differential_cases() -> list[Case]:
    """Every differential around every payload in the body, and in every other place with a few payloads."""
    cases = []
    for (shape, form), kind in itertools.product(DIFFERENTIALS.items(), ("meta", "script", "img", "jslink")):
        name = f"diff-{shape}-{kind}"
        cases.append(
            Case(name, 2, post(name, body_places(form.format(payload=payloads(name)[kind]))["body"]))
        )
    for place, kind in itertools.product(
        (
            "footnote",
            "div-indented",
            "unclosed-fence",
            "tilde-text-fence",
            "escaped-backticks",
            "backticks-across-paragraphs",
        ),
        ("meta", "onerror", "jslink"),
    ):
        name = f"place-{place}-{kind}"
        for shape in ("plain", "bang-comment"):
            text = DIFFERENTIALS[shape].format(payload=payloads(f"{name}-{shape}")[kind])
            cases.append(Case(f"{name}-{shape}", 2, post(f"{name}-{shape}", body_places(text)[place])))
    for kind in ("meta", "onerror", "img"):
        for shape in ("plain", "short-comment"):
            name = f"summary-{shape}-{kind}"
            text = DIFFERENTIALS[shape].format(payload=payloads(name)[kind])
            cases.append(Case(name, 2, post(name, headers=f"Summary: Kort {text}\n")))
            name = f"caption-{shape}-{kind}"
            text = DIFFERENTIALS[shape].format(payload=payloads(name)[kind])
            headers = f"Image: {{static}}/images/2018/hamn.jpg\nImage_alt: Hamnen i kvällsljus.\nImage_caption: {text}\n"
            cases.append(Case(name, 2, post(name, headers=headers)))
            name = f"alt-{shape}-{kind}"
            text = DIFFERENTIALS[shape].format(payload=payloads(name)[kind]).replace("]", ")")
            cases.append(Case(name, 2, post(name, f"![Hamnen {text}]({{static}}/images/2018/hamn.jpg)")))
            name = f"bio-{shape}-{kind}"
            text = DIFFERENTIALS[shape].format(payload=payloads(name)[kind])
            cases.append(bio_case(name, 2, f"Skriver om hamnar. {text}"))
            name = f"comment-{shape}-{kind}"
            text = DIFFERENTIALS[shape].format(payload=payloads(name)[kind])
            cases.append(comment_case(name, text, outcome="builds"))
    # A reference definition whose target is on the next line, and attribute lists ({: … }).
    bodies = {
        "refdef-next-line": "Läs [rapporten][r] nu.\n\n[r]:\n    javascript:alert('{n}')",
        "refdef-next-line-entity": "Läs [rapporten][r] nu.\n\n[r]:\n    jav&#x61;script:alert('{n}')",
        "attr-list-paragraph": "Ett stycke.\n{{: onclick=\"alert('{n}')\" }}",
        "attr-list-style": 'Ett stycke.\n{{: style="background: url(https://evil.example/{n}.png)" }}',
        "attr-list-image": "![Hamnen]({{static}}/images/2018/hamn.jpg){{: onerror=\"alert('{n}')\" }}",
        "attr-list-heading": "## Rubriken {{: onmouseover=\"alert('{n}')\" }}",
        "attr-list-link": "[Rapporten](https://tillvaxtverket.se/){{: onfocus=\"alert('{n}')\" autofocus }}",
    }
    cases += [Case(name, 2, post(name, body.format(n=name))) for name, body in bodies.items()]
    return cases


def bio_case(name: str, klass: int, bio: str, role: str = "Skribent", author: str = "") -> Case:
    """An author of the case's own, with this bio, and a post by them."""
    author = author or f"Skribent {name.replace('-', ' ')}"
    files = {
        f"authors/{name}.md": f"Name: {author}\nRole: {role}\n\n{bio}\n",
        **post(name),
    }
    files[f"posts/2019/{name}.md"] = files[f"posts/2019/{name}.md"].replace(
        f"Author: {AUTHOR}", f"Author: {author}"
    )
    return Case(name, klass, files)


def comment_case(name: str, body: str, outcome: str = "either", contact: bool = False, leaks=()) -> Case:
    toml_body = body.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    files = {
        **post(name),
        f"comments/{name}.toml": f'[[comment]]\nname = "Karin L"\ndate = 2019-03-02T10:00:00\nbody = """\n{toml_body}\n"""\n',
    }
    return Case(name, 6 if contact else 2, files, outcome=outcome, leaks=leaks)


def field_cases() -> list[Case]:
    """Class 1: text fields printed where HTML goes (escaped here; refused at the source by part A)."""
    meta = '<meta http-equiv="refresh" content="0;url=https://evil.example/{}">'
    cases = [
        Case("field-title", 1, post("field-title", title=f"Nyheter {meta.format('field-title')}")),
        Case(
            "field-category",
            1,
            {
                k: v.replace(f"Category: {CATEGORY}", f"Category: Nyheter {meta.format('field-category')}")
                for k, v in post("field-category").items()
            },
        ),
        Case(
            "field-tags",
            1,
            post("field-tags", headers="Tags: robotar, <script>alert('field-tags')</script>\n"),
        ),
        Case(
            "field-slug-breaks-out",
            1,
            {
                k.replace("field-slug-breaks-out.md", "field-slug.md"): v.replace(
                    "Slug: field-slug-breaks-out", "Slug: x\"><img src=x onerror=alert('slug')>"
                )
                for k, v in post("field-slug-breaks-out").items()
            },
        ),
        bio_case(
            "field-author-name", 1, "Skriver om hamnar.", author="Eva <img src=x onerror=alert('name')>"
        ),
        bio_case(
            "field-author-role", 1, "Skriver om hamnar.", role="Chef <b onmouseover=alert('role')>x</b>"
        ),
        Case(
            "field-page-title-in-footer",
            1,
            {
                "pages/om-bloggen.md": f"Title: Om bloggen {meta.format('footer')}\nSlug: om-bloggen\n\nEtt arkiv.\n\n{marker('field-page-title-in-footer')}\n"
            },
        ),
        Case(
            "field-image-alt",
            1,
            post(
                "field-image-alt",
                headers=(
                    "Image: {static}/images/2018/hamn.jpg\nImage_alt: Hamnen\" onerror=\"alert('alt')\n"
                ),
            ),
        ),
    ]
    return cases


def load_cases() -> list[Case]:
    """Class 5: loads from elsewhere in the forms a reader of the Markdown misses."""
    forms = {
        "unquoted-src": "<img src=https://evil.example/{n}.png alt=Hamnen>",
        "srcset": '<img src="/images/2018/hamn.jpg" srcset="https://evil.example/{n}.png 2x" alt="Hamnen">',
        "svg-image": '<svg><image href="https://evil.example/{n}.png"/></svg>',
        "input-image": "<input type=image src=https://evil.example/{n}.png alt=Skicka>",
        "picture-source": '<picture><source srcset="https://evil.example/{n}.png"><img src="/images/2018/hamn.jpg" alt="Hamnen"></picture>',
        "video-poster": '<video poster="https://evil.example/{n}.png" src="/x.mp4"></video>',
        "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/{n}.css">',
        "style-url": '<p style="background: url(https://evil.example/{n}.png)">Text</p>',
        "protocol-relative": '<img src="//evil.example/{n}.png" alt="Hamnen">',
        "backslash-host": '<img src="/\\evil.example/{n}.png" alt="Hamnen">',
        "markdown-image": "![Hamnen](https://evil.example/{n}.png)",
        "base-href": '<base href="https://evil.example/{n}/">',
        "iframe": '<iframe src="https://evil.example/{n}"></iframe>',
        "form": '<form action="https://evil.example/{n}"><button>Skicka</button></form>',
        "entity-javascript": "<a href=\"jav&#x61;script:alert('{n}')\">Rapporten</a>",
        "tab-javascript": "[Rapporten](java\tscript:alert('{n}'))",
    }
    cases = [
        Case(f"load-{name}", 5, post(f"load-{name}", form.format(n=f"load-{name}")))
        for name, form in forms.items()
    ]
    name = "load-summary-image"
    cases.append(Case(name, 5, post(name, headers=f"Summary: Se ![bild](https://evil.example/{name}.png)\n")))
    name = "load-refdef-image-next-line"
    cases.append(
        Case(name, 5, post(name, f"![Hamnen][bild]\n\n[bild]:\n    https://evil.example/{name}.png"))
    )
    return cases


def comment_note_cases() -> list[Case]:
    """Issue 22: a note in an HTML comment is never published; the build says so at its line."""
    return [
        Case(
            "note-todo",
            2,
            post("note-todo", "Siffrorna nedan.\n\n<!-- TODO: kolla siffrorna med Anna -->\n\nSlut."),
            outcome="stops",
            said=r"HTML-kommentaren .*TODO.* publiceras inte",
        ),
        Case(
            "note-inline",
            2,
            post("note-inline", "Ett stycke <!-- intern anteckning --> med text."),
            outcome="stops",
            said=r"HTML-kommentaren",
        ),
    ]


def harmless_cases() -> list[Case]:
    """What looks like an attack but is text, shown as it is: these build."""
    return [
        Case(
            "text-code-span",
            2,
            post("text-code-span", "Skriv `<script>alert(1)</script>` för att testa."),
            outcome="builds",
        ),
        Case(
            "text-fenced",
            2,
            post("text-fenced", '```html\n<meta http-equiv="refresh" content="0">\n```'),
            outcome="builds",
        ),
        Case(
            "text-escaped",
            2,
            post("text-escaped", "Tecknen \\<script\\> och &lt;meta&gt; visas."),
            outcome="builds",
        ),
        comment_case(
            "text-comment-html",
            "<script>alert('c')</script><!-- x --><meta http-equiv=refresh content=0>",
            outcome="builds",
        ),
    ]


def static_cases() -> list[Case]:
    """Class 3: files in content/images/ that are not images, and symlinks (part A)."""
    return [
        Case(
            "static-js",
            3,
            {**post("static-js"), "images/2019/static-js.js": "alert('static-js')\n"},
            leaks=(("**/*.js", r"static-js"),),
        ),
        Case(
            "static-svg",
            3,
            {
                **post("static-svg"),
                "images/2019/static-svg.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert("svg")</script></svg>',
            },
            leaks=(("**/*.svg", r"alert"),),
        ),
        Case(
            "static-html",
            3,
            {**post("static-html"), "images/2019/static-html.html": "<script>alert('h')</script>"},
            leaks=(("images/**/*.html", r"alert"),),
        ),
        Case(
            "static-symlink",
            3,
            post("static-symlink"),
            symlinks={"images/2019/passwd.jpg": "/etc/passwd"},
            leaks=(("**/*", r"root:x:0:0"),),
        ),
    ]


def address_cases() -> list[Case]:
    """Class 4: a page that takes one of the site's own addresses (part A); each in a site of its own."""
    return [
        Case(
            "address-save-as-index",
            4,
            page("address-save-as-index", "FALL-ERSATTER-STARTSIDAN", headers="Save_as: index.html\n"),
            leaks=(("index.html", "FALL-ERSATTER-STARTSIDAN"),),
            alone=True,
        ),
        Case(
            "address-save-as-404",
            4,
            page("address-save-as-404", "FALL-ERSATTER-404", headers="Save_as: 404.html\n"),
            leaks=(("404.html", "FALL-ERSATTER-404"),),
            alone=True,
        ),
        Case(
            "address-url-elsewhere",
            4,
            page("address-url-elsewhere", headers="URL: https://evil.example/u/\n"),
            leaks=(("**/*", r"(canonical|og:url)[^>]*evil\.example|<loc>https://evil"),),
            alone=True,
        ),
        Case(
            "address-template-search",
            4,
            page("address-template-search", headers="Template: search\n"),
            leaks=(("address-template-search/index.html", r"wasm-unsafe-eval"),),
            alone=True,
        ),
    ]


def contact_cases() -> list[Case]:
    """Class 6: contact details in the forms people type (part A)."""
    forms = {
        "contact-at-word": "Mejla karin [at] example.se om du undrar.",
        "contact-soft-hyphen": "Mejla kar\u00adin@exam\u00adple.se om du undrar.",
        "contact-fullwidth-at": "Mejla karin＠example.se om du undrar.",
        "contact-phone-parentheses": "Ring (08) 123 45 67 om du undrar.",
        "contact-personnummer": "Mitt personnummer är 811218-9876.",
    }
    leaks = {
        "contact-at-word": r"karin \[at\] example",
        "contact-soft-hyphen": "kar\u00adin@",
        "contact-fullwidth-at": "karin＠example",
        "contact-phone-parentheses": r"\(08\) 123 45 67",
        "contact-personnummer": "811218-9876",
    }
    return [
        comment_case(name, body, contact=True, leaks=(("**/*.html", leaks[name]),))
        for name, body in forms.items()
    ]


def traceback_cases() -> list[Case]:
    """Class 7: content that made Python tracebacks instead of messages (part A); each in its own site."""
    return [
        Case(
            "trace-long-title",
            7,
            {  # without a Slug: the address is made of the title, 299 characters
                path: text.replace("Slug: trace-long-title\n", "")
                for path, text in post("trace-long-title", title="Lång " * 60).items()
            },
            outcome="stops",
            alone=True,
        ),
        Case(
            "trace-alias-headers",
            7,
            post("trace-alias-headers", headers="Alias: /_headers\n"),
            outcome="stops",
            alone=True,
        ),
        Case(
            "trace-alias-nul",
            7,
            post("trace-alias-nul", headers="Alias: /gammal\x00sida/\n"),
            outcome="stops",
            alone=True,
        ),
        Case(
            "trace-slug-collides",
            7,
            {"pages/sok.md": "Title: Sök här\nSlug: sok\n\nEn sida.\n"},
            outcome="stops",
            alone=True,
        ),
        Case(
            "trace-template-path",
            7,
            page("trace-template-path", headers="Template: ../../../etc/passwd\n"),
            outcome="stops",
            alone=True,
        ),
    ]


def all_cases() -> list[Case]:
    cases = [
        *field_cases(),
        *differential_cases(),
        *load_cases(),
        *comment_note_cases(),
        *harmless_cases(),
        *static_cases(),
        *address_cases(),
        *contact_cases(),
        *traceback_cases(),
    ]
    names = [case.name for case in cases]
    assert len(names) == len(set(names)), "two cases share a name"
    return cases
