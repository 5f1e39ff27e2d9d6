"""Draws theme/static/share.png, the image link previews show for every page without one of its own
(plugins/seo.py): 1200 x 630 px, the site's blue, its name and what it holds, with a margin that survives
the square crop some services make. Run it again only to change the image:

    .venv/bin/python theme/make_share_image.py [path/to/a/bold.ttf path/to/a/regular.ttf]

It needs Pillow (installed with the project) and two TrueType fonts; by default Debian's DejaVu Sans.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
BLUE, WHITE, LIGHT = "#00457c", "#ffffff", "#cfe3f7"  # the header's colours (main.css tokens)
FONTS = Path("/usr/share/fonts/truetype/dejavu")
OUTPUT = Path(__file__).resolve().parent / "static" / "share.png"
# The text is the theme's string share_image_alt, set on two lines (keep them the same).
NAME = ["Tillväxtverkets", "bloggarkiv"]
LEAD = "Inlägg från Tillväxtverkets blogg 2016–2021"


def draw(bold: Path, regular: Path) -> Image.Image:
    """The share image: the name large, the lead under it, a rule above, all left-aligned."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BLUE)
    pen = ImageDraw.Draw(image)
    left, top = 96, 150
    pen.rectangle((left, top - 48, left + 160, top - 36), fill=LIGHT)
    name_font = ImageFont.truetype(str(bold), 104)
    for number, line in enumerate(NAME):
        pen.text((left, top + number * 122), line, font=name_font, fill=WHITE)
    pen.text((left, top + 2 * 122 + 40), LEAD, font=ImageFont.truetype(str(regular), 44), fill=LIGHT)
    return image


def main(arguments: list[str]) -> None:
    bold, regular = (
        (Path(a) for a in arguments)
        if arguments
        else (FONTS / "DejaVuSans-Bold.ttf", FONTS / "DejaVuSans.ttf")
    )
    # Sixteen colours are enough for two colours and their anti-aliased edges, and keep the file small.
    draw(bold, regular).quantize(colors=16).save(OUTPUT, optimize=True)
    print(f"{OUTPUT}: {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
