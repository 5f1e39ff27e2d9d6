// The search page (/sok/): Pagefind's JavaScript API behind the theme's own accessible form.
// The form is in the page's HTML, so nothing moves when this script starts; without JavaScript the CSS
// hides it and a <noscript> note points to the archive. Each search is a history entry whose address
// (?q=…&kategori=…) and <title> name it; a polite live region says "Söker…", then the number of hits.

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 250;
const QUERY_PARAM = "q"; // the other parameters are the selects' names (kategori, skribent, ar)
// Pagefind's sort for a listing without a term: the records' datetime (search_record.html), newest first.
const NEWEST_FIRST = { datetime: "desc" };
// Characters a reader cannot see but a copied heading carries (soft hyphens from the hyphenation,
// zero-width spaces and joiners, direction marks): removed from the query, or the word is not found.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
const PUNCTUATION = /^(\p{P}*)(.*?)(\p{P}*)$/su;

const root = document.querySelector("[data-bk-search]");
if (root) {
  start(root);
}

/** The query as Pagefind should get it: no invisible characters, every space (no-break too) one space. */
export function cleanQuery(text) {
  return text.replace(INVISIBLE, "").replace(/\s+/gu, " ").trim();
}

function start(root) {
  const strings = JSON.parse(root.dataset.strings);
  const failed = root.querySelector("[data-bk-search-failed]");
  const form = root.querySelector("[data-bk-search-form]");
  const input = form.querySelector("input[type=search]");
  const selects = [...form.querySelectorAll("select[data-filter]")];
  const notice = root.querySelector("[data-bk-search-notice]");
  const status = root.querySelector("[data-bk-search-status]");
  const results = root.querySelector("[data-bk-search-results]");
  const heading = results.querySelector("h2");
  const list = root.querySelector("[data-bk-search-hits]");
  const noHits = root.querySelector("[data-bk-search-nohits]");
  const more = root.querySelector("[data-bk-search-more]");
  const pageTitle = document.title;

  let ticket = 0; // the newest search; an older one that ends later shows nothing
  let hits = []; // the current search's hits, in order
  let shown = 0;
  let timer;
  let typing = false; // a search while typing replaces the history entry the typing began with

  const archive = openArchive(root);
  archive.catch((error) => {
    console.error(error);
    form.hidden = true;
    status.textContent = "";
    results.removeAttribute("aria-busy");
    failed.hidden = false;
  });

  // What the form asks for: the cleaned term and the chosen filters.
  function request() {
    const filters = {};
    const named = [];
    for (const select of selects) {
      const option = select.selectedOptions[0];
      if (option && option.value) {
        filters[select.dataset.filter] = option.dataset.value;
        named.push(option.dataset.value);
      }
    }
    return { term: cleanQuery(input.value), filters, named };
  }

  function address({ term }) {
    const params = new URLSearchParams();
    if (term) {
      params.set(QUERY_PARAM, term);
    }
    for (const select of selects) {
      if (select.value) {
        params.set(select.name, select.value);
      }
    }
    const query = params.toString();
    return query ? `?${query}` : location.pathname;
  }

  // Fill the form from the address: any letter case, a slug or a name; an unknown value is named.
  function fillFromAddress() {
    const params = new URLSearchParams(location.search);
    input.value = params.get(QUERY_PARAM) || "";
    const unknown = [];
    for (const select of selects) {
      const wanted = (params.get(select.name) || "").trim().toLocaleLowerCase("sv");
      const match = [...select.options].find(
        (option) =>
          option.value &&
          (option.value.toLocaleLowerCase("sv") === wanted ||
            option.dataset.value.toLocaleLowerCase("sv") === wanted),
      );
      select.value = match ? match.value : "";
      if (wanted && !match) {
        unknown.push(
          strings.unknown
            .replace("{what}", select.dataset.what)
            .replace("{value}", params.get(select.name).trim())
            .replace("{all}", select.dataset.all),
        );
      }
    }
    notice.textContent = unknown.join(" ");
    notice.hidden = unknown.length === 0;
  }

  // Run the search the form asks for. `history`: "push" a new entry, "replace" the current one, or
  // "none" (going back and forth in history). `restore`: how many hits to show (from the entry).
  async function search({ history: how = "push", restore = PAGE_SIZE } = {}) {
    clearTimeout(timer);
    const mine = ++ticket;
    const asked = request();
    const target = address(asked);
    if (how === "push" && target !== location.pathname + location.search) {
      window.history.pushState({ shown: PAGE_SIZE }, "", target);
    } else if (how !== "none") {
      window.history.replaceState({ shown: PAGE_SIZE }, "", target);
    }
    if (!asked.term && Object.keys(asked.filters).length === 0) {
      show(mine, asked, null, 0);
      return;
    }
    status.textContent = strings.searching;
    results.setAttribute("aria-busy", "true");
    let found;
    try {
      const opened = await archive;
      found = asked.term ? await opened.search(asked.term, asked.filters) : await opened.list(asked.filters);
    } catch (error) {
      // The archive could not be opened (the page says so, see above) or this search failed.
      console.error(error);
      status.textContent = "";
      results.removeAttribute("aria-busy");
      failed.hidden = false;
      return;
    }
    await show(mine, asked, found, restore);
  }

  // Show the first `count` hits of a finished search (none: an empty form), unless a newer one started.
  async function show(mine, asked, found, count) {
    if (mine !== ticket) {
      return;
    }
    const data = found ? await Promise.all(found.slice(0, count).map((hit) => hit.data())) : [];
    if (mine !== ticket) {
      return;
    }
    hits = found || [];
    shown = data.length;
    failed.hidden = true; // a search that failed before (see search) may work now
    list.replaceChildren(...data.map(hitItem));
    heading.hidden = shown === 0;
    more.hidden = shown >= hits.length;
    noHits.hidden = !found || hits.length > 0;
    status.textContent = found ? countText(hits.length, strings) : "";
    results.removeAttribute("aria-busy");
    document.title = found ? `${titleText(asked, hits.length, strings)} – ${pageTitle}` : pageTitle;
  }

  async function showMore() {
    const mine = ticket;
    const data = await Promise.all(hits.slice(shown, shown + PAGE_SIZE).map((hit) => hit.data()));
    if (mine !== ticket) {
      return;
    }
    const items = data.map(hitItem);
    list.append(...items);
    shown += items.length;
    more.hidden = shown >= hits.length;
    window.history.replaceState({ shown }, "");
    if (items.length) {
      items[0].querySelector("a").focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    typing = false;
    search();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      search({ history: typing ? "replace" : "push" });
      typing = true;
    }, DEBOUNCE_MS);
  });
  input.addEventListener("blur", () => {
    typing = false;
  });
  for (const select of selects) {
    select.addEventListener("change", () => {
      typing = false;
      notice.hidden = true;
      search();
    });
  }
  more.addEventListener("click", showMore);
  window.addEventListener("popstate", (event) => {
    typing = false;
    fillFromAddress();
    search({ history: "none", restore: event.state?.shown || PAGE_SIZE });
  });

  fillFromAddress();
  search({ history: "none", restore: window.history.state?.shown || PAGE_SIZE });
}

// The index is one Pagefind bundle (plugins/search_merge.py): term searches use it; listings without
// a term use its word-less copy (<bundle>/lista/), which loads no word chunks. The bundle's instance
// starts first, so that Pagefind's worker comes from the bundle; the copy's starts at the first listing,
// on the page's thread (below).
async function openArchive(root) {
  if (!root.dataset.bundle) {
    throw new Error("Sökindexet saknas.");
  }
  const bundle = new URL(root.dataset.bundle, document.baseURI);
  const shared = { baseUrl: root.dataset.site, excerptLength: 30 };
  const pagefind = await import(new URL("pagefind.js", bundle).href);
  await pagefind.options(shared);
  await pagefind.init();
  let listing;
  return {
    async search(term, filters) {
      return (await pagefind.search(term, { filters })).results;
    },
    async list(filters) {
      listing ??= (async () => {
        // On the page's own thread, not in the bundle's worker: under load the worker's start can pass
        // Pagefind's 5 s limit, and a listing sharing that worker then came back empty or failed (seen
        // in the suite's Chromium tests); a listing reads only filter files, so the thread is enough.
        const copy = pagefind.createInstance({
          ...shared,
          noWorker: true,
          basePath: new URL("lista/", bundle).pathname,
        });
        await copy.init();
        return copy;
      })();
      try {
        return (await (await listing).search(null, { filters, sort: NEWEST_FIRST })).results;
      } catch (error) {
        listing = undefined; // the next listing starts the copy again (a busy worker can time it out)
        throw error;
      }
    },
  };
}

function countText(count, strings) {
  if (count === 0) {
    return strings.none;
  }
  return count === 1 ? strings.one : strings.many.replace("{n}", count.toLocaleString("sv-SE"));
}

function titleText({ term, named }, count, strings) {
  const what = [term ? `”${term}”` : "", ...named].filter(Boolean).join(", ");
  return strings.title.replace("{what}", what).replace("{count}", countText(count, strings));
}

function hitItem(data) {
  const item = document.createElement("li");
  item.className = "bk-search-hit";
  const heading = document.createElement("h3");
  heading.className = "bk-search-hit__title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title;
  heading.append(link);
  item.append(heading);
  if (data.meta.date) {
    const meta = document.createElement("p");
    meta.className = "bk-search-hit__meta";
    const time = document.createElement("time");
    time.dateTime = data.meta.datetime || "";
    time.textContent = data.meta.date;
    meta.append(time);
    item.append(meta);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "bk-search-hit__excerpt";
  excerpt.append(...excerptNodes(data.excerpt, data.content));
  item.append(excerpt);
  return item;
}

// The excerpt is HTML from the index; only its text and its <mark> highlights are kept, so nothing a
// post contains can ever run as markup here. Pagefind marks whole words with the punctuation around
// them ("företagen,"): the punctuation goes outside the mark. An ellipsis shows where the excerpt cuts.
function excerptNodes(html, content) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const nodes = [...parsed.body.childNodes].flatMap((node) => {
    if (node.nodeName !== "MARK") {
      return [document.createTextNode(node.textContent)];
    }
    const [, before, word, after] = node.textContent.match(PUNCTUATION);
    const parts = [];
    if (before) {
      parts.push(document.createTextNode(before));
    }
    if (word) {
      const mark = document.createElement("mark");
      mark.textContent = word;
      parts.push(mark);
    }
    if (after) {
      parts.push(document.createTextNode(after));
    }
    return parts;
  });
  const text = parsed.body.textContent.trim();
  const whole = (content || "").trim();
  if (text && !whole.startsWith(text.slice(0, 40))) {
    nodes.unshift(document.createTextNode("… "));
  }
  if (text && !whole.endsWith(text.slice(-40))) {
    nodes.push(document.createTextNode(" …"));
  }
  return nodes;
}
