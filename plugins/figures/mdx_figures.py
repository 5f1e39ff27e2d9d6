"""Figures from plain Markdown: an image alone in its paragraph becomes a <figure>, its title the
<figcaption> (inline Markdown, never raw HTML); an image in running text stays inline.

Plain paths (``images/x.jpg``) become ``{static}/images/x.jpg`` so Pelican links the right file. An
optional ``picture`` hook (given by the Pelican glue) replaces each image with responsive markup.
Knows nothing of Pelican or Pillow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element, SubElement

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# A reference that is already a URL or a Pelican link ({static}, {attach}, …) is left as it is.
NOT_A_PLAIN_PATH = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|\{|#)", re.IGNORECASE)
# Stands in for "<" while inline Markdown runs over a caption, so that no HTML tag can form.
LESS_THAN = "\ue000"
INLINE_PRIORITY = 20  # Python-Markdown's "inline" treeprocessor, which makes <img> from ![…](…)

PictureHook = Callable[[str, str], Element | None]


def keep_img(src: str, alt: str) -> None:
    """The default picture hook: every <img> stays as Markdown made it."""
    return None


def static_path(src: str) -> str:
    """``images/x.jpg`` and ``/images/x.jpg`` → ``{static}/images/x.jpg``; anything else unchanged."""
    if not src or NOT_A_PLAIN_PATH.match(src):
        return src
    return "{static}/" + src.lstrip("/")


def caption_element(md: Markdown, text: str, tag: str = "figcaption") -> Element:
    """An element holding ``text`` with inline Markdown applied; "<" stays text, so raw HTML is shown,
    never rendered."""
    holder = Element("div")
    caption = SubElement(holder, tag)
    caption.text = text.replace("<", LESS_THAN)
    md.treeprocessors["inline"].run(holder)
    for element in caption.iter():
        for attribute in ("text", "tail"):
            value = getattr(element, attribute)
            if value and LESS_THAN in value:
                setattr(element, attribute, value.replace(LESS_THAN, "<"))
    return caption


def render_inline(md: Markdown, text: str) -> str:
    """``text`` as inline HTML (as in a caption), for captions that come from metadata, not the body."""
    md.reset()
    holder = Element("div")
    caption = caption_element(md, text, tag="span")
    holder.append(caption)  # treeprocessors work on the children of the element they get
    # What the body's captions get after this extension: e.g. smarty's quotes, unescaping.
    later = list(md.treeprocessors)[md.treeprocessors.get_index_for_name("inline") + 1 :]
    skip = [md.treeprocessors[name] for name in ("figures", "prettify") if name in md.treeprocessors]
    for processor in later:
        if processor not in skip:
            processor.run(holder)
    html = md.serializer(caption)
    for processor in md.postprocessors:
        html = processor.run(html)
    return html.removeprefix("<span>").removesuffix("</span>")


class FigureTreeprocessor(Treeprocessor):
    """Runs after inline parsing, when <img> elements exist, and before pretty-printing."""

    def __init__(self, md: Markdown, picture: PictureHook, css_class: str) -> None:
        super().__init__(md)
        self.picture = picture
        self.css_class = css_class

    def run(self, root: Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "img":
                    continue
                child.set("src", static_path(child.get("src", "")))
                if parent.tag == "p" and self._alone(parent):
                    self._make_figure(parent, child)
                else:
                    self._make_responsive(parent, index, child)

    @staticmethod
    def _alone(paragraph: Element) -> bool:
        only = len(paragraph) == 1
        return only and not (paragraph.text or "").strip() and not (paragraph[0].tail or "").strip()

    def _make_figure(self, paragraph: Element, img: Element) -> None:
        title = img.attrib.pop("title", None)
        paragraph.tag = "figure"
        paragraph.text = None
        img.tail = None
        if self.css_class:
            paragraph.set("class", self.css_class)
        self._make_responsive(paragraph, 0, img)
        if title and title.strip():
            paragraph.append(caption_element(self.md, title.strip()))

    def _make_responsive(self, parent: Element, index: int, img: Element) -> None:
        picture = self.picture(img.get("src", ""), img.get("alt", ""))
        if picture is None:
            return
        title = img.get("title")
        if title:
            picture.find("img").set("title", title)
        picture.tail = img.tail
        parent.remove(img)
        parent.insert(index, picture)


class FiguresExtension(Extension):
    def __init__(self, **kwargs) -> None:
        self.config = {
            # Not None: Python-Markdown would turn a None-default option into a bool.
            "picture": [keep_img, "callable(src, alt) -> element to use instead of the <img>, or None"],
            "figure_class": ["bk-figure", "class of each <figure>; empty for none"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        processor = FigureTreeprocessor(md, self.getConfig("picture"), self.getConfig("figure_class"))
        # After "inline" (20) has made the <img> elements, before "prettify" (10).
        md.treeprocessors.register(processor, "figures", INLINE_PRIORITY - 5)


def makeExtension(**kwargs) -> FiguresExtension:  # noqa: N802 (Python-Markdown's API)
    return FiguresExtension(**kwargs)
