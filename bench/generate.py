"""A synthetic blog archive in the editors' format, for benchmarks: N posts by ten authors, in
Swedish-looking text, with top images, figures, tags and archived comments.

Deterministic: the same N and seed give a byte-identical tree (the images too), so two machines or two
branches build exactly the same corpus. Images come from a small fixed pool reused across posts, so the
image work in a build stays realistic but bounded.

    python bench/generate.py --n 1000 --out bench/work/corpus
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

SEED = 2026
YEARS = range(2014, 2022)
POOL_SIZE = 12
POOL_IMAGE_SIZE = (1600, 1000)
PHOTO_SIZE = (400, 400)
WORDS_PER_POST = (600, 900)
COMMENT_SHARE = 0.10

# Slugs as the site makes them (content-format.md): lower case, å ä → a, ö → o, words joined by "-".
SLUG_TABLE = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e"})

FIRST_NAMES = ["Anna", "Björn", "Cecilia", "Dragan", "Elin", "Fredrik", "Göran", "Hanna", "Ingrid", "Jörgen"]
LAST_NAMES = ["Åberg", "Lindqvist", "Söderström", "Karlsson", "Öhman", "Nyström", "Ekdahl", "Björk", "Wallin",
              "Hägglund"]  # fmt: skip
ROLES = ["Projektledare", "Analytiker", "Handläggare", "Kommunikatör", "Utredare", "Enhetschef"]
CATEGORIES = [
    "Hållbar tillväxt", "Smart industri", "Besöksnäring", "Regional utveckling", "Företagsfrämjande",
    "Digitalisering", "Kompetensförsörjning", "Export och internationalisering",
]  # fmt: skip
TAGS = [
    "småföretag", "landsbygd", "innovation", "export", "turism", "fjällen", "industri", "robotar",
    "öppna data", "e-handel", "kompetens", "regionalfonden", "entreprenörskap", "hållbarhet",
    "cirkulär ekonomi", "näringsliv", "kvinnors företagande", "besöksnäring", "Norrbotten", "Skåne",
    "Västra Götaland",
    "Jämtland", "Gotland", "Örebro", "Umeå", "Växjö", "Östersund", "digitalisering", "finansiering",
    "kapitalförsörjning", "tillväxt", "samverkan", "forskning", "klimat", "energi", "livsmedel", "skog",
    "kulturella näringar", "arbetsmarknad", "företagsklimat",
]  # fmt: skip
WORD_TEXT = """
och att det som en på är för med till av den inte om har de ett men vi så kan från när också
företag företagen företagare region regionen regioner kommun kommunen kommuner näringsliv tillväxt
utveckling arbete arbetet samarbete samverkan möjligheter möjlighet förutsättningar behov insatser
projekt projektet stöd stödet finansiering kunskap kompetens kompetensen marknad marknaden marknader
export digitala verktyg tjänster produkter kunder kunderna hållbar hållbara omställning innovation
innovationer forskning lärosäten myndighet myndigheten Tillväxtverket landsbygden staden städer
småföretag medarbetare personal bostäder säsong året sommaren vintern hösten våren nätverk träffar
dialog erfarenheter resultat uppföljning analys statistik siffror ökning minskning växer växande
stärka stärker bidra bidrar skapa skapar arbeta arbetar utveckla utvecklar hitta hittar behöver
viktigt viktiga tydlig tydligt större mindre många flera nya nytt ökade gemensam gemensamma lokala
regionala nationella internationella svenska Sverige Norden Europa världen framtiden idag tidigare
sedan under efter genom mellan utan inom både eller även redan ännu alltid ofta ibland särskilt
företagens regionens kommunernas ägare ägarna entreprenörer entreprenörskap investeringar kapital
energi klimat miljö cirkulär ekonomi resurser material industri industrin fabrik verkstad robotar
automation data öppna digitalisering plattform plattformar e-handel besökare gäster upplevelser
naturen fjällen kusten skärgården älven sjön skogen ön bygden orten orterna länet länen
"""
WORDS = WORD_TEXT.split()
QUOTES = [
    '"Det är här vi ser den största skillnaden"',
    '"Vi hade aldrig klarat det på egen hand"',
    '"Nu vågar vi tänka större"',
    '"Samarbetet har öppnat dörrar"',
    '"Det handlar om att våga fråga"',
    "'smart specialisering'",
    "'hållbar omställning'",
    "'företagsklimat'",
    "'det goda exemplet'",
]
SPEAKERS = ["säger en företagare", "berättar projektledaren", "menar hon", "säger han", "konstaterar ägaren"]
COMMENTERS = ["Karin L", "Per-Olof Nyström", "Annika S", "Mats", "Leila Åkesson", "Östen B", "Jonna"]


def slug(text: str) -> str:
    """The slug the site makes from a title (see content-format.md)."""
    kept = "".join(ch for ch in text.lower().translate(SLUG_TABLE) if ch.isalnum() or ch in " -")
    return "-".join(kept.split())


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(7, 18))]
    if rng.random() < 0.12:
        words.insert(rng.randint(1, len(words) - 1), rng.choice(QUOTES[5:]))
    text = " ".join(words)
    text = text[0].upper() + text[1:] + rng.choice([".", ".", ".", ".", "?", "!"])
    if rng.random() < 0.08:
        text = f"{rng.choice(QUOTES[:5])}, {rng.choice(SPEAKERS)}. {text}"
    return text


def paragraph(rng: random.Random) -> str:
    """A paragraph wrapped at ~100 characters, as editors' files are."""
    text = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) > 100:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def heading(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(2, 5))]
    text = " ".join(words)
    return "## " + text[0].upper() + text[1:]


def title(rng: random.Random, taken: set[str]) -> str:
    while True:
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 9))]
        text = " ".join(words)
        text = text[0].upper() + text[1:]
        if slug(text) not in taken:
            taken.add(slug(text))
            return text


def pool_image(rng: random.Random, size: tuple[int, int]) -> bytes:
    """A photo-like JPEG: smooth colour fields from a tiny random image, with a few shapes on top."""
    small = Image.new("RGB", (8, 5))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(40)])
    image = small.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(size[1] // 12, size[1] // 3)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def author_file(name: str, role: str, photo: str | None, bio: str) -> str:
    lines = [f"Name: {name}", f"Role: {role}"]
    if photo:
        lines.append(f"Photo: {{static}}/images/authors/{photo}")
    return "\n".join(lines) + f"\n\n{bio}\n"


def figure(rng: random.Random, pool: list[str]) -> str:
    alt = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
    caption = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
    return f'![{alt}]({{static}}/images/pool/{rng.choice(pool)} "{caption}. Foto: Tillväxtverket")'


def post_file(rng: random.Random, meta: dict[str, str], pool: list[str]) -> str:
    """One post: header, then paragraphs, subheadings and 1–2 figures until 600–900 words."""
    target = rng.randint(*WORDS_PER_POST)
    blocks: list[str] = []
    words = 0
    figures_left = rng.randint(1, 2)
    while words < target:
        if blocks and rng.random() < 0.18:
            blocks.append(heading(rng))
        block = paragraph(rng)
        blocks.append(block)
        words += len(block.split())
        if figures_left and words > target * (0.3 if figures_left == 2 else 0.6):
            blocks.append(figure(rng, pool))
            figures_left -= 1
    if figures_left:
        blocks.append(figure(rng, pool))
    header = "\n".join(f"{key}: {value}" for key, value in meta.items())
    return header + "\n\n" + "\n\n".join(blocks) + "\n"


def comments_file(rng: random.Random, post_title: str, posted: datetime) -> str:
    parts = [f'# Arkiverade kommentarer till "{post_title}".\n']
    when = posted
    for _ in range(rng.randint(1, 6)):
        when += timedelta(minutes=rng.randint(20, 60 * 24 * 5))
        name = rng.choice(COMMENTERS)
        body = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
        parts.append(
            f'[[comment]]\nname = "{name}"\ndate = {when:%Y-%m-%dT%H:%M:%S}\n'
            f'body = """\n{body}\n"""\nemail = "{slug(name)}@example.se"\n'
            f'ip = "192.0.2.{rng.randrange(1, 255)}"\n'
        )
    return "\n".join(parts)


def add_authors(rng: random.Random, files: dict[str, str | bytes]) -> list[str]:
    """Ten authors; every third has no photo."""
    authors = []
    for index, (first, last) in enumerate(zip(FIRST_NAMES, LAST_NAMES, strict=True)):
        name = f"{first} {last}"
        photo = f"{slug(name)}.jpg" if index % 3 != 2 else None
        if photo:
            files[f"images/authors/{photo}"] = pool_image(rng, PHOTO_SIZE)
        bio = paragraph(rng)
        files[f"authors/{slug(name)}.md"] = author_file(name, rng.choice(ROLES), photo, bio)
        authors.append(name)
    return authors


def post_meta(
    rng: random.Random, post_title: str, posted: datetime, authors: list[str], pool: list[str]
) -> dict:
    """A post's header: the required fields, and the optional ones on a share of the posts."""
    meta = {
        "Title": post_title,
        "Date": f"{posted:%Y-%m-%d %H:%M}",
        "Author": rng.choice(authors),
        "Category": rng.choice(CATEGORIES),
        "Tags": ", ".join(rng.sample(TAGS, rng.randint(2, 5))),
        "Summary": sentence(rng),
    }
    if rng.random() < 0.5:
        meta["Image"] = f"{{static}}/images/pool/{rng.choice(pool)}"
        meta["Image_alt"] = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + "."
        meta["Image_caption"] = sentence(rng) + " Foto: Tillväxtverket"
    if rng.random() < 0.05:
        meta["Modified"] = f"{posted + timedelta(days=rng.randint(1, 400)):%Y-%m-%d %H:%M}"
    if rng.random() < 0.03:
        meta["Comments"] = "off"
    return meta


def generate(root: Path, n: int, seed: int = SEED) -> Path:
    """Write an N-post archive into root/ (replacing it); return root."""
    rng = random.Random(seed)
    files: dict[str, str | bytes] = {}
    pool = [f"bild-{number:02d}.jpg" for number in range(1, POOL_SIZE + 1)]
    for name in pool:
        files[f"images/pool/{name}"] = pool_image(rng, POOL_IMAGE_SIZE)
    authors = add_authors(rng, files)
    for page_slug, page_title in [("om-bloggen", "Om bloggen"), ("tillganglighet", "Tillgänglighet"),
                                  ("personuppgifter", "Personuppgifter")]:  # fmt: skip
        body = "\n\n".join(paragraph(rng) for _ in range(3))
        files[f"pages/{page_slug}.md"] = f"Title: {page_title}\nSlug: {page_slug}\n\n{body}\n"

    taken: set[str] = set()
    start, span = datetime(YEARS.start, 1, 1, 8, 0), (YEARS.stop - YEARS.start) * 365 * 24 * 60
    for index in range(n):
        post_title = title(rng, taken)
        posted = start + timedelta(minutes=(span * index // n) + rng.randrange(0, 600))
        posted = posted.replace(minute=posted.minute // 15 * 15)
        meta = post_meta(rng, post_title, posted, authors, pool)
        files[f"posts/{posted:%Y}/{slug(post_title)}.md"] = post_file(rng, meta, pool)
        if meta.get("Comments") != "off" and rng.random() < COMMENT_SHARE:
            files[f"comments/{slug(post_title)}.toml"] = comments_file(rng, post_title, posted)

    if root.exists():
        shutil.rmtree(root)
    for relative in sorted(files):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = files[relative]
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of posts")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "work" / "corpus")
    args = parser.parse_args()
    generate(args.out, args.n, args.seed)
    print(f"{args.n} inlägg i {args.out}")


if __name__ == "__main__":
    main()
