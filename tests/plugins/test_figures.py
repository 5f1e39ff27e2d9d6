"""Whole-site tests of the figures plugin: hero, figures, responsive files, cache reuse, EXIF, bad images."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote

import figures
import pytest
from conftest import ROOT, SITES, build_result, build_site, copy_site, digest_tree, soup, write_files
from content_checks import ContentError
from PIL import Image
from test_figures_images import photo

import sitebuild

pytestmark = pytest.mark.cold_images  # counts and checks the image cache's own work

FIGURES = SITES / "figures" / "content"
POST = "2019/05/bilder-i-hamnen/index.html"
DECORATIVE = "2019/06/dekorativ-toppbild/index.html"


@pytest.fixture(scope="module")
def figures_site(tmp_path_factory) -> Path:
    return build_site(FIGURES, tmp_path_factory.mktemp("figures") / "output")


def output_file(output: Path, url: str) -> Path:
    assert url.startswith("/"), url
    return output / unquote(url.lstrip("/"))


def srcset_entries(srcset: str) -> list[tuple[str, int]]:
    entries = []
    for candidate in srcset.split(","):
        url, descriptor = candidate.split()
        entries.append((url, int(descriptor.removesuffix("w"))))
    return entries


def assert_images_are_right(output: Path) -> int:
    """Every <img> of every page: width/height present and equal to its file's; every srcset file exists
    with the width it claims. Returns how many <img> were checked."""
    checked = 0
    for page in output.rglob("*.html"):
        for img in soup(page).find_all("img"):
            checked += 1
            assert img.get("width"), f"{page}: {img}"
            assert img.get("height"), f"{page}: {img}"
            assert img["decoding"] == "async"
            with Image.open(output_file(output, img["src"])) as image:
                assert image.size == (int(img["width"]), int(img["height"])), f"{page}: {img['src']}"
            sources = [img.get("srcset", "")] + [s["srcset"] for s in img.parent.find_all("source")]
            for srcset in filter(None, sources):
                for url, width in srcset_entries(srcset):
                    with Image.open(output_file(output, url)) as image:
                        assert image.width == width, url
                        assert image.height == round(int(img["height"]) * width / int(img["width"])), url
    return checked


def test_post_has_hero_figures_and_inline_image(figures_site):
    page = soup(figures_site / POST)
    hero = page.find("figure", class_="bk-figure--hero")
    hero_img = hero.find("img")
    assert hero_img["alt"] == "Hamn i kvällsljus med båtar."
    assert hero_img["fetchpriority"] == "high"
    assert not hero_img.has_attr("loading")
    assert hero.find("source")["type"] == "image/webp"
    caption = hero.find("figcaption")
    # HTML in a caption stops the build (content_checks.safety); a "<" in the text stays text.
    assert caption.decode_contents() == "Hamnen i <em>maj</em> &amp; ”kvällsljus”, 5 &lt; 8 grader."
    # the hero comes between the header and the body
    assert hero.find_previous_sibling("header") is not None
    body = page.find(class_="bk-post__body")
    figures_in_body = body.find_all("figure")
    assert [f.find("img")["alt"] for f in figures_in_body] == ["Brygga vid vattnet", "Logotyp för projektet"]
    assert (
        figures_in_body[0].find("figcaption").get_text()
        == "Bryggan & båtarna i juni (<5 °C). Foto: Tillväxtverket"
    )
    assert figures_in_body[1].find("figcaption") is None
    assert not figures_in_body[0].find("img").has_attr("title")
    inline = body.find("p").find("img")
    assert inline["alt"] == "röd prick"
    assert (inline["width"], inline["height"]) == ("64", "64")
    assert all(img["loading"] == "lazy" for img in body.find_all("img"))


def test_every_image_has_true_dimensions_and_existing_sources(figures_site):
    assert assert_images_are_right(figures_site) >= 8


def test_image_files_are_readable_by_the_web_server(figures_site):
    images = [p for p in figures_site.rglob("*") if p.suffix in {".jpg", ".png", ".webp"}]
    assert len(images) > 10
    assert [p for p in images if not p.stat().st_mode & 0o004] == []


def test_sample_site_images_are_responsive_and_right(sample_site):
    assert assert_images_are_right(sample_site) > 20
    posts = sorted(sample_site.glob("20*/*/*/index.html"))
    heroes = [p for p in posts if soup(p).find("figure", class_="bk-figure--hero")]
    captions = [p for p in posts if soup(p).select(".bk-post__body figure figcaption")]
    assert len(heroes) >= 8
    assert captions


def test_top_image_in_cards_is_decorative_and_not_a_link(figures_site):
    cards = soup(figures_site / "index.html").find_all("article", class_="bk-card")
    with_image = [card for card in cards if card.find("img")]
    assert len(with_image) == 2
    for card in with_image:
        img = card.find("img")
        assert img["alt"] == ""
        assert img["loading"] == "lazy"
        assert img.find_parent("a") is None
        assert len(card.find_all("a")) == 1


def test_decorative_top_image_has_empty_alt(figures_site):
    hero = soup(figures_site / DECORATIVE).find("figure", class_="bk-figure--hero")
    assert hero.find("img")["alt"] == ""
    assert hero.find("figcaption") is None
    assert soup(figures_site / "2019/07/utan-bilder/index.html").find("figure") is None


def without_search_index(tree: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's filter files are not byte-stable between runs (see tests/test_publish.py)."""
    return {path: data for path, data in tree.items() if not path.startswith("pagefind/")}


def test_second_build_processes_no_image_and_deleted_cache_is_rebuilt(tmp_path):
    output = tmp_path / "output"
    assert build_result(FIGURES, output).stats["figures"]["processed"] == 4
    first = without_search_index(digest_tree(output))
    assert build_result(FIGURES, output).stats["figures"]["processed"] == 0
    assert without_search_index(digest_tree(output)) == first
    cache = tmp_path / ".cache-output" / "images"
    assert any(cache.rglob("*.webp"))
    for file in cache.rglob("*"):
        if file.is_file():
            file.unlink()
    assert build_result(FIGURES, output).stats["figures"]["processed"] == 4
    assert without_search_index(digest_tree(output)) == first


def test_no_exif_or_gps_reaches_the_output(tmp_path, builder):
    content = copy_site("figures", tmp_path)
    photo(content / "images/2019/mobilbild.jpg", size=(2000, 1200), orientation=6)
    photo(content / "images/2019/oanvand.jpg")  # never referenced: Pelican still copies it
    write_files(
        content,
        {
            "posts/2019/mobil.md": "Title: Mobilbild\nDate: 2019-08-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n"
            "Image: {static}/images/2019/mobilbild.jpg\nImage_alt: Bild från en mobil.\n\n"
            '![Samma bild](images/2019/mobilbild.jpg "Med position i EXIF")\n'
        },
    )
    output = builder(content)
    images = [p for p in output.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"}]
    assert len(images) > 20
    for path in images:
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert "exif" not in image.info, path
    with Image.open(output / "images/2019/mobilbild.jpg") as original:
        assert original.size == (1200, 2000)  # rotated upright, as the phone meant
    hero = soup(output / "2019/08/mobilbild/index.html").find("figure").find("img")
    assert (hero["width"], hero["height"]) == ("1200", "2000")
    assert_images_are_right(output)


def broken_jpeg() -> bytes:
    data = (FIGURES / "images/2019/hamn.jpg").read_bytes()
    return data[: len(data) // 3]


@pytest.mark.parametrize(
    ("image", "data", "expected"),
    [
        ("trasig.jpg", broken_jpeg(), "bildfilen är trasig eller ofullständig"),
        ("text.jpg", "Det här är ingen bild.".encode(), "ingen bild i ett format"),
        ("ritning.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "ingen bild i ett format"),
    ],
    ids=["truncated", "not-an-image", "unsupported-format"],
)
@pytest.mark.parametrize("where", ["body", "top"])
def test_unreadable_image_stops_build_naming_post_and_image(tmp_path, image, data, expected, where):
    content = copy_site("figures", tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    before = digest_tree(output)
    reference = f"{{static}}/images/2019/{image}"
    header = "Title: Trasig bild\nDate: 2019-09-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n"
    if where == "top":
        header += f"Image: {reference}\nImage_alt: En bild.\n"
    write_files(
        content,
        {
            f"images/2019/{image}": data,
            "posts/2019/trasig.md": f"{header}\n![Bryggan i hamnen]({reference})\n",
        },
    )
    with pytest.raises(ContentError) as error:
        build_site(content, output)
    message = str(error.value)
    assert f"posts/2019/trasig.md\n  rad {5 if where == 'top' else 6}: " in message
    assert any(
        p.field == ("Image" if where == "top" else "brödtexten") and p.message.startswith(f"{reference}: ")
        for p in error.value.problems
    )
    assert expected in message
    assert digest_tree(output) == before


def test_relative_static_path_in_body_is_refused(tmp_path):
    content = copy_site("figures", tmp_path)
    write_files(
        content,
        {
            "posts/2019/hamn.jpg": (FIGURES / "images/2019/hamn.jpg").read_bytes(),
            "posts/2019/relativ.md": "Title: Relativ\nDate: 2019-09-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n\n"
            "![Bryggan i hamnen]({static}hamn.jpg)\n",
        },
    )
    with pytest.raises(
        ContentError, match=r"relativ\.md\n  rad \d+: brödtexten: skriv bildens sökväg från content/"
    ):
        build_site(content, tmp_path / "output")


@pytest.mark.parametrize(
    "where",
    [
        "Image: https://example.se/bild.jpg\nImage_alt: Bild.\n\nText",
        "\n![Bryggan i hamnen](https://example.se/bild.jpg)",
    ],
)
def test_external_image_is_refused(tmp_path, where):
    content = copy_site("figures", tmp_path)
    header = "Title: Extern\nDate: 2019-09-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n"
    write_files(content, {"posts/2019/extern.md": f"{header}{where}\n"})
    with pytest.raises(
        ContentError,
        match=r"extern\.md\n  rad \d+: .*https://example\.se/bild\.jpg ligger på en annan webbplats",
    ):
        build_site(content, tmp_path / "output")


def theme_with(tmp_path: Path, markup: str) -> Path:
    """A copy of the theme whose article.html starts its content block with ``markup``."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates/article.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("{% block content %}", "{% block content %}" + markup), encoding="utf-8")
    return theme


def test_top_image_is_exposed_for_open_graph(tmp_path):
    """article.top_image carries the resolved URL and size (a template can write og:image from it)."""
    theme = theme_with(
        tmp_path,
        '{% if article.top_image %}<meta name="x-top-image" content="{{ article.top_image.url }}"'
        ' data-size="{{ article.top_image.width }}x{{ article.top_image.height }}"'
        ' data-type="{{ article.top_image.mime }}">{% endif %}',
    )
    content = copy_site("figures", tmp_path)
    output = build_site(content, tmp_path / "output", THEME=str(theme), SITEURL="https://example.se")
    meta = soup(output / POST).find("meta", attrs={"name": "x-top-image"})
    assert meta["content"].startswith("https://example.se/images/2019/hamn-1600.")
    assert meta["data-size"] == "1600x900"
    assert meta["data-type"] == "image/jpeg"
    assert output_file(output, meta["content"].removeprefix("https://example.se")).is_file()


def test_templates_show_any_content_image_responsively(tmp_path):
    """The API for author photos: a reference from metadata → the same <picture> the posts get."""
    theme = theme_with(
        tmp_path,
        '{{ "{static}/images/2019/brygga.jpg"|responsive_image("", "6rem", css_class="bk-author__photo") }}'
        '{% set photo = "images/2019/logotyp.png"|image_rendition %}<p id="photo">{{ photo.url }} {{ photo.width }}</p>'
        '{% from "partials/figure.html" import picture_of %}{{ picture_of("images/2019/ikon.png", "Ikon") }}',
    )
    output = build_site(copy_site("figures", tmp_path), tmp_path / "output", THEME=str(theme))
    page = soup(output / DECORATIVE)
    picture = page.find("picture", class_="bk-author__photo")
    assert picture.find("img")["sizes"] == "6rem"
    assert picture.find("img")["alt"] == ""
    assert page.find(id="photo").get_text().startswith("/images/2019/logotyp-700.")
    assert page.find("img", alt="Ikon")["sizes"] == "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
    assert assert_images_are_right(output) > 0


def test_template_image_that_does_not_exist_stops_the_build(tmp_path):
    theme = theme_with(tmp_path, '{{ "{static}/images/2019/saknas.jpg"|responsive_image("") }}')
    with pytest.raises(sitebuild.BuildError, match=r"filen \{static\}/images/2019/saknas\.jpg finns inte"):
        build_site(copy_site("figures", tmp_path), tmp_path / "output", THEME=str(theme))


@pytest.mark.browser
@pytest.mark.parametrize(("scale", "width"), [(1, 480), (2, 960)])
def test_narrow_browser_loads_the_small_webp(chromium, sample_url, scale, width):
    """A real browser, 480 px wide, picks the derivative that fits instead of the 1600-px original."""
    context = chromium.new_context(viewport={"width": 480, "height": 800}, device_scale_factor=scale)
    page = context.new_page()
    page.goto(f"{sample_url}/2018/02/att-motas-for-en-konkurrenskraftig-industri/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # Waited for inside the page (wait_for_function polls with eval, which the page's policy blocks).
    page.evaluate(
        """() => Promise.all(Array.from(document.images).map((image) => image.complete ? null
            : new Promise((loaded) => image.addEventListener("load", loaded, {once: true}))))"""
    )
    # The post's own images; the author photo (6rem wide) is checked by the author tests.
    chosen = page.evaluate(
        "Array.from(document.images).filter(i => !i.closest('.bk-author')).map(i => i.currentSrc)"
    )
    context.close()
    assert len(chosen) == 2
    for url in chosen:
        assert url.endswith(".webp"), url
        assert f"-{width}." in url, url


def test_a_second_build_that_changes_nothing_reports_no_image_work(tmp_path):
    """The numbers are this build's own: no image decoded again; the derivatives are linked into the new
    output as before. Fails on the mutant "context not reset / reused between builds" (sitebuild giving the second build
    the first build's BuildContext): its counters would add up both builds' work."""
    output = tmp_path / "output"
    first = build_result(FIGURES, output).stats["figures"]
    assert first["processed"] == 4
    assert first["written"] > 0
    second = build_result(FIGURES, output).stats["figures"]
    assert second == {"processed": 0, "written": first["written"], "stripped": first["stripped"]}


def test_works_with_pelicans_generator_content_cache(tmp_path):
    """Pelican's generator-level cache pickles articles with their settings: our state must pickle, and
    a cached build must still get its hero and every derivative."""
    output = tmp_path / "output"
    caching = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": "generator"}
    build_site(FIGURES, output, **caching)
    first = without_search_index(digest_tree(output))
    assert build_result(FIGURES, output, **caching).stats["figures"]["processed"] == 0
    assert without_search_index(digest_tree(output)) == first
    assert soup(output / POST).find("figure", class_="bk-figure--hero") is not None


def test_image_problem_is_the_rule_other_plugins_reuse(tmp_path):
    """What the authors plugin calls for a Photo: None when fine, else the Swedish reason."""
    from content_checks import Site

    content = copy_site("figures", tmp_path)
    write_files(content, {"images/authors/trasig.jpg": broken_jpeg()})
    settings = sitebuild.load_settings(
        "pelicanconf.py", {"PATH": str(content), "CACHE_PATH": str(tmp_path / "c")}
    )
    site = Site(root=content, settings=settings, sources=[])
    author = content / "authors/anna-berg.md"
    assert figures.image_problem(site, "{static}/images/2019/hamn.jpg", author) is None
    assert "finns inte" in figures.image_problem(site, "{static}/images/authors/anna.jpg", author)
    assert "trasig eller ofullständig" in figures.image_problem(
        site, "{static}/images/authors/trasig.jpg", author
    )
    assert "annan webbplats" in figures.image_problem(site, "https://example.se/anna.jpg", author)


def test_tiff_with_gps_stops_the_build(tmp_path):
    """A TIFF (carrying GPS here) is no image a browser shows: content/images/ does not publish it."""
    content = copy_site("figures", tmp_path)
    source = photo(tmp_path / "gps.jpg")
    with Image.open(source) as image:
        image.save(content / "images/2019/skanning.tif", exif=image.getexif())
    with pytest.raises(ContentError) as error:
        build_site(content, tmp_path / "output")
    assert (
        "figures/images/2019/skanning.tif\n  filen är en bild i ett format som webbläsare inte visar (TIFF)."
        " Från content/images/ publiceras bara bilder i JPEG, PNG, WebP och GIF. Spara bilden som JPEG eller"
        " PNG, eller ta bort filen."
    ) in str(error.value)


def test_gif_with_a_comment_stops_the_build(tmp_path):
    """Only JPEG, PNG and WebP are re-saved without their metadata; a GIF carrying any is not copied."""
    content = copy_site("figures", tmp_path)
    Image.new("P", (40, 30)).save(content / "images/2019/ikon.gif", comment=b"Foto: Anna, Sundsvall")
    with pytest.raises(ContentError, match=r"figures/images/2019/ikon\.gif\n  bilden bär metadata"):
        build_site(content, tmp_path / "output")


def test_one_image_at_two_sets_of_widths_gets_two_pictures(tmp_path):
    theme = theme_with(
        tmp_path,
        '<div id="post">{{ "images/2019/brygga.jpg"|responsive_image("") }}</div>'
        '<div id="small">{{ "images/2019/brygga.jpg"|responsive_image("", widths=[128, 256]) }}</div>',
    )
    output = build_site(copy_site("figures", tmp_path), tmp_path / "output", THEME=str(theme))
    page = soup(output / DECORATIVE)
    assert "128w" not in page.find(id="post").find("img")["srcset"]
    assert page.find(id="small").find("img")["srcset"].split(", ")[0].endswith(" 128w")
