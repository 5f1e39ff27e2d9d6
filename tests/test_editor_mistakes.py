"""Issue 22: the mistakes an editor made that got through silently, or got advice that was wrong. Each
one stops the build with its message at its file and line (many mistakes in one site, each in its own
file so that none masks another), and doing what each message says publishes the right thing."""

from __future__ import annotations

from pathlib import Path

from conftest import build_site, copy_site, replace_text, soup, stopped_build, write_files

POST = "Title: {title}\nDate: 2018-03-0{day} 10:00\nAuthor: Anna Berg\nCategory: Turism\n"
PHOTO = "images/authors/anna-berg.jpg"  # a real JPEG of the minimal site, copied where a photo is needed

MISTAKES: dict[str, str | None] = {
    # Header lines read as body text
    "posts/2018/utan-kolon.md": "Title: Utan kolon\nDate: 2018-03-01 10:00\nAuthor: Anna Berg\nCategory Turism\n"
    "Tags: hamn\nSummary: Kort.\nImage: {static}/images/2018/hamn.jpg\nImage_alt: Hamnen i kvällsljus.\n\nText.\n",
    "posts/2018/lang-rubrik.md": "Title: En rubrik som är så lång att den\nfortsätter på nästa rad\n"
    "Date: 2018-03-02 10:00\nAuthor: Anna Berg\nCategory: Turism\n\nText.\n",
    "posts/2018/lang-sammanfattning.md": POST.format(title="Lång sammanfattning", day=3)
    + "Summary: En sammanfattning som\nfortsätter på nästa rad.\n\nText.\n",
    "posts/2018/bildtext-mellanslag.md": POST.format(title="Bildtext med mellanslag", day=4)
    + "Image: {static}/images/2018/hamn.jpg\nImage_alt: Hamnen i kvällsljus.\nImage caption: Hamnen en sommarkväll.\n"
    "\nText.\n",
    "posts/2018/bildtex.md": POST.format(title="Bildtex", day=5) + "Image: {static}/images/2018/hamn.jpg\n"
    "Image_alt: Hamnen i kvällsljus.\nBildtex: Hamnen en sommarkväll i juli förra året.\n\nText.\n",
    # Categories are a closed list
    "posts/2018/kategori-a.md": POST.format(title="Kategori A", day=6).replace("Turism", "Smart industr")
    + "\nText.\n",
    "posts/2018/kategori-b.md": POST.format(title="Kategori B", day=7).replace("Turism", "Turismen")
    + "\nText.\n",
    "posts/2018/kategori-c.md": POST.format(title="Kategori C", day=8).replace("Turism", "Entreprenörsskap")
    + "\nText.\n",
    # Dates
    "posts/2018/framtid.md": POST.format(title="Framtid", day=1).replace("2018-03-01", "2099-03-01")
    + "\nText.\n",
    "posts/2018/andrad-fore.md": POST.format(title="Ändrad före", day=9)
    + "Modified: 2018-02-01 10:00\n\nText.\n",
    # Posts with no text
    "posts/2018/tom.md": POST.format(title="Tom", day=1) + "\n",
    "posts/2018/exempeltext.md": POST.format(title="Exempeltext", day=2) + "\nSkriv inlägget här.\n",
    # Files that vanish or leak
    "posts/2018/som-text.txt": POST.format(title="Som text", day=1) + "\nText.\n",
    "posts/2018/stora-bokstaver.MD": POST.format(title="Stora bokstäver", day=2) + "\nText.\n",
    "posts/2018/dubbel.md.txt": POST.format(title="Dubbel ändelse", day=3) + "\nText.\n",
    "direkt-i-content.md": POST.format(title="Direkt i content", day=4) + "\nText.\n",
    "images/2018/bland-bilderna.md": POST.format(title="Bland bilderna", day=5) + "\nText.\n",
    "pages/bland-sidorna.md": POST.format(title="Bland sidorna", day=6)
    + "Tags: hamn\nSummary: Kort.\n\nText.\n",
    "authors/bland-skribenterna.md": POST.format(title="Bland skribenterna", day=7) + "Tags: hamn\n\nText.\n",
    "posts/2018/att-motas (kopia).md": "Title: Att mötas för en konkurrenskraftig industri\nDate: 2018-02-15 10:00\n"
    "Author: Anna Berg\nCategory: Smart industri\n\nText.\n",
    # Links
    "posts/2018/lankar.md": POST.format(title="Länkar", day=8)
    + "\nSe [rapporten]() och [Tillväxtverket](www.tillvaxtverket.se).\n\n"
    "Läs [det förra inlägget](../2018/sommar-i-norrland.md) och [utkastet]({filename}/posts/2018/utkast.md).\n\n"
    "Och [ett inlägg som inte finns]({filename}/2018/sommar-i-norrland.md).\n",
    "posts/2018/utkast.md": POST.format(title="Utkast", day=9) + "Status: draft\n\nSnart.\n",
    # Wrong advice, each seen
    "posts/2018/bildtext-citat.md": POST.format(title="Bildtext i citattecken", day=1)
    + "\n![Hamnen i kvällsljus](images/2018/hamn.jpg ”Hamnen en sommarkväll”)\n",
    "posts/2018/tva-namn.md": POST.format(title="Två namn", day=2).replace("Anna Berg", "Anna Berg och Bo Ek")
    + "\nText.\n",
    "posts/2018/och-tecken.md": POST.format(title="Och-tecken", day=3).replace(
        "Anna Berg", "Anna Berg & Bo Ek"
    )
    + "\nText.\n",
    "posts/2018/tva-rader.md": POST.format(title="Två rader", day=4).replace(
        "Anna Berg", "Anna Berg\nAuthor: Bo Ek"
    )
    + "\nText.\n",
    "posts/2018/semikolon.md": POST.format(title="Semikolon", day=5)
    + "Alias: /bloggen/a.html; /bloggen/b.html\n\nText.\n",
    "posts/2018/toppbild-markdown.md": POST.format(title="Toppbild i Markdown", day=6)
    + "Image: ![Hamnen i kvällsljus]({static}/images/2018/hamn.jpg)\n\nText.\n",
    "authors/bo-ek.md": "Name: Bo Ek\nPhoto: bo-ek.jpg\n\nBo skriver om hamnar.\n",
    "images/authors/bo-ek.jpg": None,  # the photo, in its right place
    "comments/sommar-i-norrland.toml": '[[comment]]\nname = "Anders "Affe" Ek"\ndate = 2018-07-02T10:00:00\n'
    'body = "Hej"\n',
    "comments/att-motas-for-en-konkurrenskraftig-industri.toml": '[[comment]]\nname = "Karin"\n'
    'date = 15 februari 2018\nbody = "Hej"\n',
}

EXPECTED = [
    (
        "authors/bland-skribenterna.md",
        0,
        "filen ser ut att vara ett inlägg (den har Author, Category, Tags), men den ligger i "
        "content/authors/, bland skribenterna, så den läses som en skribent. Flytta den till "
        "content/posts/2018/bland-skribenterna.md.",
    ),
    (
        "authors/bo-ek.md",
        2,
        "Photo: filen bo-ek.jpg finns inte här: porträtten ligger i content/images/authors/. Skriv "
        "Photo: images/authors/bo-ek.jpg",
    ),
    (
        "comments/att-motas-for-en-konkurrenskraftig-industri.toml",
        3,
        "date: datumet är felskrivet. Skriv det med siffror, utan mellanslag, till exempel date = "
        "2018-02-15T14:32:00. Rätta raden och bygg igen.",
    ),
    (
        "comments/sommar-i-norrland.toml",
        2,
        'name: texten innehåller raka citattecken ("), och TOML läser det andra som textens slut. '
        'Skriv citattecknen inuti texten som typografiska, name = "Anders ”Affe” Ek", eller med \\ '
        'före: name = "Anders \\"Affe\\" Ek". Rätta raden och bygg igen.',
    ),
    (
        "direkt-i-content.md",
        0,
        "filen läses inte: den ser ut att vara ett inlägg, men den ligger direkt i content/, och "
        "bygget läser inläggen bara i content/posts/. Flytta den till "
        "content/posts/2018/direkt-i-content.md.",
    ),
    (
        "images/2018/bland-bilderna.md",
        0,
        "filen läses inte: den ser ut att vara ett inlägg, men den ligger bland bilderna i "
        "content/images/, och bygget läser inläggen bara i content/posts/. Flytta den till "
        "content/posts/2018/bland-bilderna.md.",
    ),
    (
        "pages/bland-sidorna.md",
        0,
        "filen ser ut att vara ett inlägg (den har Author, Category, Tags), men den ligger i "
        "content/pages/, bland de fasta sidorna, så den läses som en fast sida. Flytta den till "
        "content/posts/2018/bland-sidorna.md.",
    ),
    (
        "posts/2018/andrad-fore.md",
        5,
        'Modified: "2018-02-01 10:00" är före Date (2018-03-09 10:00). Modified är när inlägget '
        "senast ändrades, efter att det publicerades: skriv ett datum efter Date, eller ta bort raden"
        " Modified.",
    ),
    (
        "posts/2018/att-motas (kopia).md",
        1,
        'Title: adressen "att-motas-for-en-konkurrenskraftig-industri" används redan av '
        "minimal/posts/2018/att-motas.md. Är filen en kopia av den, ta bort den; annars ändra "
        "rubriken eller ange en egen Slug.",
    ),
    (
        "posts/2018/bildtex.md",
        7,
        "fältet Bildtex finns inte och skulle inte visas. Menade du Image_caption? Tillåtna fält: "
        "Alias, Author, Authors, Category, Comments, Date, Image, Image_alt, Image_caption, Modified,"
        " Slug, Status, Summary, Tags, Title.",
    ),
    (
        "posts/2018/bildtext-citat.md",
        6,
        "brödtexten: bildtexten i images/2018/hamn.jpg ”Hamnen en sommarkväll” står inom typografiska"
        " citattecken (”…”), och då läser Markdown den som en del av filnamnet. Skriv raka "
        'citattecken runt bildtexten, så att det inom parenteserna står: images/2018/hamn.jpg "Hamnen'
        ' en sommarkväll"',
    ),
    (
        "posts/2018/bildtext-mellanslag.md",
        7,
        "raden läses som brödtext eftersom fältnamnet Image caption har ett mellanslag, och då slutar"
        " filens huvud på raden före. Skriv Image_caption: Hamnen en sommarkväll.",
    ),
    (
        "posts/2018/dubbel.md.txt",
        0,
        "filen läses inte, eftersom den slutar på .md.txt: ett inlägg är en .md-fil (med små "
        "bokstäver). Byt namn på filen till dubbel.md.",
    ),
    (
        "posts/2018/exempeltext.md",
        6,
        "brödtexten: exempeltexten ”Skriv inlägget här.” står kvar och skulle publiceras. Skriv "
        "inlägget i stället för den, eller gör filen till ett utkast med Status: draft tills den är "
        "klar.",
    ),
    (
        "posts/2018/framtid.md",
        2,
        'Date: "2099-03-01 10:00" ligger i framtiden, och inlägget skulle visas med det datumet. '
        "Skriv datumet då inlägget publicerades. Ska det publiceras senare, gör det till ett utkast "
        "med Status: draft tills dess.",
    ),
    (
        "posts/2018/kategori-a.md",
        4,
        'Category: kategorin "Smart industr" finns inte i listan över kategorier (kategorier.txt). '
        "Menade du Smart industri? En ny kategori beslutas av Tillväxtverket och läggs först till i "
        "content/kategorier.txt.",
    ),
    (
        "posts/2018/kategori-b.md",
        4,
        'Category: kategorin "Turismen" finns inte i listan över kategorier (kategorier.txt). Menade '
        "du Turism? En ny kategori beslutas av Tillväxtverket och läggs först till i "
        "content/kategorier.txt.",
    ),
    (
        "posts/2018/kategori-c.md",
        4,
        'Category: kategorin "Entreprenörsskap" finns inte i listan över kategorier (kategorier.txt).'
        " Menade du Entreprenörskap? En ny kategori beslutas av Tillväxtverket och läggs först till i"
        " content/kategorier.txt.",
    ),
    (
        "posts/2018/lang-rubrik.md",
        2,
        "raden läses som brödtext eftersom den inte börjar med ett fältnamn, och då slutar filens "
        "huvud på raden före. Också raderna efter den (Date, Author, Category) blir då brödtext. Är "
        "raden slutet på Title (rad 1), skriv hela Title på en rad; annars ta bort raden.",
    ),
    (
        "posts/2018/lang-sammanfattning.md",
        6,
        "raden läses som brödtext eftersom den inte börjar med ett fältnamn, och filens huvud slutar "
        "på raden före utan en tom rad. Är raden slutet på Summary (rad 5), skriv hela Summary på en "
        "rad. Är den brödtextens första rad, lägg in en tom rad före den.",
    ),
    (
        "posts/2018/lankar.md",
        6,
        "brödtexten: länken [Tillväxtverket](www.tillvaxtverket.se) saknar https:// och skulle leda "
        "till en sida på bloggarkivet som inte finns. Skriv hela adressen: "
        "[Tillväxtverket](https://www.tillvaxtverket.se)",
    ),
    (
        "posts/2018/lankar.md",
        6,
        "brödtexten: länken [rapporten]() har ingen adress, så den leder bara tillbaka till samma "
        "sida. Skriv adressen inom parenteserna, till exempel "
        "[rapporten](https://tillvaxtverket.se/), eller ta bort länken.",
    ),
    (
        "posts/2018/lankar.md",
        8,
        "brödtexten: länken [det förra inlägget](../2018/sommar-i-norrland.md) är en sökväg till en "
        "fil, och den leder ingenstans på webbplatsen. Länka till ett inlägg med {filename} och "
        "sökvägen från content/: [det förra inlägget]({filename}/posts/2018/sommar-i-norrland.md)",
    ),
    (
        "posts/2018/lankar.md",
        8,
        "brödtexten: länken {filename}/posts/2018/utkast.md leder till ett utkast "
        "(minimal/posts/2018/utkast.md), som inte publiceras: på den publicerade webbplatsen skulle "
        "länken leda ingenstans. Ta bort länken, eller publicera det andra inlägget (ta bort raden "
        "Status: draft).",
    ),
    (
        "posts/2018/lankar.md",
        10,
        "brödtexten: länken {filename}/2018/sommar-i-norrland.md leder till ett inlägg som inte "
        "finns. Menade du {filename}/posts/2018/sommar-i-norrland.md? Skriv sökvägen till inläggets "
        "fil från content/, så som den här filen själv skrivs: {filename}/posts/2018/lankar.md.",
    ),
    (
        "posts/2018/och-tecken.md",
        3,
        'Author: "Anna Berg & Bo Ek" är två namn, men bygget läser det som ett namn. Skilj namnen åt '
        "med kommatecken: Author: Anna Berg, Bo Ek",
    ),
    (
        "posts/2018/semikolon.md",
        5,
        'Alias "/bloggen/a.html; /bloggen/b.html": flera gamla adresser skiljs med kommatecken, inte '
        "semikolon. Skriv Alias: /bloggen/a.html, /bloggen/b.html",
    ),
    (
        "posts/2018/som-text.txt",
        0,
        "filen läses inte, eftersom den slutar på .txt: ett inlägg är en .md-fil (med små bokstäver)."
        " Byt namn på filen till som-text.md.",
    ),
    (
        "posts/2018/stora-bokstaver.MD",
        0,
        "filen läses inte, eftersom den slutar på .MD: ett inlägg är en .md-fil (med små bokstäver). "
        "Byt namn på filen till stora-bokstaver.md.",
    ),
    (
        "posts/2018/tom.md",
        4,
        "brödtexten: inlägget har ingen text under filens huvud. Skriv texten efter den tomma raden "
        "under huvudet, eller gör filen till ett utkast med Status: draft tills den är klar.",
    ),
    (
        "posts/2018/toppbild-markdown.md",
        5,
        "Image: ![Hamnen i kvällsljus]({static}/images/2018/hamn.jpg) är en bild skriven i Markdown, "
        "men fältet tar bara bildens sökväg. Skriv bara sökvägen: Image: "
        "{static}/images/2018/hamn.jpg, och alternativtexten på en egen rad: Image_alt: Hamnen i "
        "kvällsljus",
    ),
    (
        "posts/2018/tva-namn.md",
        3,
        'Author: "Anna Berg och Bo Ek" är två namn, men bygget läser det som ett namn. Skilj namnen '
        "åt med kommatecken: Author: Anna Berg, Bo Ek",
    ),
    (
        "posts/2018/tva-rader.md",
        4,
        "Author står två gånger (också på rad 3), och då skulle bara den ena raden gälla. Skriv alla "
        "på en rad, med kommatecken emellan: Author: Anna Berg, Bo Ek",
    ),
    (
        "posts/2018/utan-kolon.md",
        4,
        "raden läses som brödtext eftersom det saknas ett kolon efter Category, och då slutar filens "
        "huvud på raden före. Också raderna efter den (Tags, Summary, Image, Image_alt) blir då "
        "brödtext. Skriv Category: Turism",
    ),
]


def with_photo(content: Path, files: dict[str, str | None]) -> dict[str, str | bytes]:
    photo = (content / PHOTO).read_bytes()
    return {path: photo if text is None else text for path, text in files.items()}


def edit(content: Path, path: str, old: str, new: str) -> None:
    replace_text(content / path, old, new)


def move(content: Path, old: str, new: str) -> None:
    (content / new).parent.mkdir(parents=True, exist_ok=True)
    (content / old).rename(content / new)


def follow_the_messages(content: Path) -> None:
    """What each message says to do, done to the letter (the message's own words are quoted in the test
    above: ``Skriv Category: Turism``, ``skriv hela Title på en rad``, …)."""
    edit(content, "posts/2018/utan-kolon.md", "Category Turism", "Category: Turism")
    edit(
        content,
        "posts/2018/lang-rubrik.md",
        "som är så lång att den\nfortsätter",
        "som är så lång att den fortsätter",
    )
    edit(content, "posts/2018/lang-sammanfattning.md", "som\nfortsätter", "som fortsätter")
    edit(content, "posts/2018/bildtext-mellanslag.md", "Image caption:", "Image_caption:")
    edit(content, "posts/2018/bildtex.md", "Bildtex:", "Image_caption:")
    edit(content, "posts/2018/kategori-a.md", "Smart industr\n", "Smart industri\n")
    edit(content, "posts/2018/kategori-b.md", "Turismen", "Turism")
    edit(content, "posts/2018/kategori-c.md", "Entreprenörsskap", "Entreprenörskap")
    edit(content, "posts/2018/framtid.md", "2099-03-01", "2018-03-01")
    edit(content, "posts/2018/andrad-fore.md", "Modified: 2018-02-01 10:00\n", "")
    edit(content, "posts/2018/tom.md", "Turism\n\n", "Turism\n\nNu med text.\n")
    edit(content, "posts/2018/exempeltext.md", "Skriv inlägget här.", "Inlägget om hamnen.")
    move(content, "posts/2018/som-text.txt", "posts/2018/som-text.md")
    move(content, "posts/2018/stora-bokstaver.MD", "posts/2018/stora-bokstaver.md")
    move(content, "posts/2018/dubbel.md.txt", "posts/2018/dubbel.md")
    move(content, "direkt-i-content.md", "posts/2018/direkt-i-content.md")
    move(content, "images/2018/bland-bilderna.md", "posts/2018/bland-bilderna.md")
    move(content, "pages/bland-sidorna.md", "posts/2018/bland-sidorna.md")
    move(content, "authors/bland-skribenterna.md", "posts/2018/bland-skribenterna.md")
    (content / "posts/2018/att-motas (kopia).md").unlink()
    lankar = "posts/2018/lankar.md"
    edit(content, lankar, "[rapporten]()", "[rapporten](https://tillvaxtverket.se/)")
    edit(content, lankar, "(www.tillvaxtverket.se)", "(https://www.tillvaxtverket.se)")
    edit(content, lankar, "(../2018/sommar-i-norrland.md)", "({filename}/posts/2018/sommar-i-norrland.md)")
    edit(content, lankar, " och [utkastet]({filename}/posts/2018/utkast.md)", "")
    edit(content, lankar, "({filename}/2018/sommar-i", "({filename}/posts/2018/sommar-i")
    edit(content, "posts/2018/bildtext-citat.md", "”Hamnen en sommarkväll”", '"Hamnen en sommarkväll"')
    edit(content, "posts/2018/tva-namn.md", "Anna Berg och Bo Ek", "Anna Berg, Bo Ek")
    edit(content, "posts/2018/och-tecken.md", "Anna Berg & Bo Ek", "Anna Berg, Bo Ek")
    edit(content, "posts/2018/tva-rader.md", "Author: Anna Berg\nAuthor: Bo Ek", "Author: Anna Berg, Bo Ek")
    edit(content, "posts/2018/semikolon.md", "a.html; /bloggen", "a.html, /bloggen")
    edit(
        content,
        "posts/2018/toppbild-markdown.md",
        "Image: ![Hamnen i kvällsljus]({static}/images/2018/hamn.jpg)",
        "Image: {static}/images/2018/hamn.jpg\nImage_alt: Hamnen i kvällsljus",
    )
    edit(content, "authors/bo-ek.md", "Photo: bo-ek.jpg", "Photo: images/authors/bo-ek.jpg")
    edit(content, "comments/sommar-i-norrland.toml", '"Anders "Affe" Ek"', '"Anders ”Affe” Ek"')
    edit(
        content,
        "comments/att-motas-for-en-konkurrenskraftig-industri.toml",
        "15 februari 2018",
        "2018-02-15T14:32:00",
    )


def test_each_silent_mistake_stops_the_build_and_following_its_message_publishes_it_right(tmp_path):
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "output"
    error = stopped_build(content, output, lambda folder: write_files(folder, with_photo(folder, MISTAKES)))
    assert [(p.path.removeprefix("minimal/"), p.line, p.text()) for p in error.problems] == EXPECTED

    follow_the_messages(content)
    build_site(content, output)

    def page(address: str):
        return soup(output / address / "index.html")

    utan_kolon = page("2018/03/utan-kolon")
    assert utan_kolon.select_one(".post-hero img, article img")["alt"] == "Hamnen i kvällsljus."
    assert "Tags:" not in utan_kolon.select_one("article").get_text()
    assert [a.get_text() for a in utan_kolon.select("a[href='/kategorier/turism/']")]
    rubrik = page("2018/03/en-rubrik-som-ar-sa-lang-att-den-fortsatter-pa-nasta-rad")
    assert "fortsätter på nästa rad" in rubrik.h1.get_text().replace("\xad", "")
    sammanfattning = page("2018/03/lang-sammanfattning")
    assert sammanfattning.find("meta", attrs={"name": "description"})["content"] == (
        "En sammanfattning som fortsätter på nästa rad."
    )
    assert (
        "fortsätter"
        not in sammanfattning.select_one("article .content, article").get_text().split("Text.")[-1]
    )
    for address in ("2018/03/bildtext-med-mellanslag", "2018/03/bildtex", "2018/03/bildtext-i-citattecken"):
        assert "Hamnen en sommarkväll" in page(address).select_one("figcaption").get_text(), address
    for address, category in [
        ("2018/03/kategori-a", "smart-industri"),
        ("2018/03/kategori-c", "entreprenorskap"),
    ]:
        assert page(address).select(f"a[href='/kategorier/{category}/']"), address
    for address in ("2018/03/som-text", "2018/03/stora-bokstaver", "2018/03/dubbel-andelse", "2018/03/direkt-i-content",
                    "2018/03/bland-bilderna", "2018/03/bland-sidorna", "2018/03/bland-skribenterna"):  # fmt: skip
        assert (output / address / "index.html").is_file(), address
    assert not list(output.rglob("*.md"))
    links = [a["href"] for a in page("2018/03/lankar").select("article a[href]")]
    assert {
        "https://tillvaxtverket.se/",
        "https://www.tillvaxtverket.se",
        "/2018/07/sommar-i-norrland/",
    } <= set(links)
    assert not [link for link in links if "utkast" in link]
    for address in ("2018/03/tva-namn", "2018/03/och-tecken", "2018/03/tva-rader"):
        names = {card.get_text(" ", strip=True) for card in page(address).select("a[href^='/skribenter/']")}
        assert {"Anna Berg", "Bo Ek"} <= names, address
    assert (output / "bloggen/a.html").is_file()
    assert (output / "bloggen/b.html").is_file()
    assert page("2018/03/toppbild-i-markdown").select_one("article img")["alt"] == "Hamnen i kvällsljus"
    assert page("skribenter/bo-ek").select_one("img[src*='bo-ek']")
    assert "Anders ”Affe” Ek" in page("2018/07/sommar-i-norrland").get_text()
