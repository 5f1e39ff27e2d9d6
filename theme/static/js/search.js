// The search page (/sok/): Pagefind's JavaScript API behind the theme's own accessible form.
// Progressive enhancement: the page's HTML says that search needs JavaScript; this script hides that
// note, shows the form, and announces the number of hits in a polite live region.

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 250;
// Search parameters in the address (Swedish, so a shared link reads well): ?q=…&kategori=…
const QUERY_PARAM = "q";
// The synthetic filter that names the year (the part of the index) a hit comes from.
const YEAR_PART = "bk_del";

const root = document.querySelector("[data-bk-search]");
if (root) {
  start(root);
}

async function start(root) {
  const strings = JSON.parse(root.dataset.strings);
  const nojs = root.querySelector("[data-bk-search-nojs]");
  const form = root.querySelector("[data-bk-search-form]");
  const input = form.querySelector("input[type=search]");
  const selects = [...form.querySelectorAll("select[data-filter]")];
  const status = root.querySelector("[data-bk-search-status]");
  const results = root.querySelector("[data-bk-search-results]");
  const list = root.querySelector("[data-bk-search-hits]");
  const more = root.querySelector("[data-bk-search-more]");

  let archive;
  try {
    archive = await openArchive(root);
  } catch (error) {
    nojs.querySelector("[data-bk-search-reason]").textContent = strings.failed;
    console.error(error);
    return;
  }
  nojs.hidden = true;
  form.hidden = false;

  let ticket = 0;
  let hits; // the current search's hits (see searchHits and listHits)
  let shown = 0;
  let timer;

  function filters() {
    const chosen = {};
    for (const select of selects) {
      if (select.value) {
        chosen[select.dataset.filter] = select.value;
      }
    }
    return chosen;
  }

  function remember(term) {
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
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
  }

  async function search() {
    clearTimeout(timer);
    const mine = ++ticket;
    const term = input.value.trim();
    const chosen = filters();
    remember(term);
    if (!term && Object.keys(chosen).length === 0) {
      results.hidden = true;
      results.removeAttribute("aria-busy");
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    results.setAttribute("aria-busy", "true");
    // A term: every year at once, by relevance. Without a term, the filters alone list their posts,
    // newest first, one year after the other as the reader asks for more.
    const found = term ? await archive.searchHits(term, chosen) : archive.listHits(chosen);
    if (!term) {
      await found.fill(PAGE_SIZE);
    }
    if (mine !== ticket) {
      return; // a newer search started while this one ran
    }
    hits = found;
    shown = 0;
    list.replaceChildren();
    await showMore(false);
    if (mine === ticket) {
      results.removeAttribute("aria-busy");
    }
  }

  async function showMore(moveFocus) {
    const mine = ticket;
    await hits.fill(shown + PAGE_SIZE);
    const batch = await Promise.all(hits.found.slice(shown, shown + PAGE_SIZE).map((hit) => hit.data()));
    if (mine !== ticket) {
      return;
    }
    const items = batch.map(hitItem);
    list.append(...items);
    shown += batch.length;
    results.hidden = hits.found.length === 0;
    more.hidden = shown >= hits.found.length && hits.complete;
    status.textContent = countText(hits.found.length, hits.complete, strings);
    if (moveFocus && items.length) {
      items[0].querySelector("a").focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  for (const select of selects) {
    select.addEventListener("change", search);
  }
  more.addEventListener("click", () => showMore(true));

  const params = new URLSearchParams(location.search);
  input.value = params.get(QUERY_PARAM) || "";
  for (const select of selects) {
    const wanted = params.get(select.name);
    if (wanted && [...select.options].some((option) => option.value === wanted)) {
      select.value = wanted;
    }
  }
  search();
}

// The index has one Pagefind bundle per publication year (plugins/search_index.py), newest first in
// data-partitions. The newest year is the Pagefind instance (its bundle alone has the script and the
// WebAssembly); older years are merged into it (mergeIndex) only when a search needs them. Every year
// carries a synthetic filter naming it, so that one year's hits can be asked for on their own.
async function openArchive(root) {
  const years = JSON.parse(root.dataset.partitions);
  if (years.length === 0) {
    throw new Error("Sökindexet saknas.");
  }
  const bundle = new URL(root.dataset.bundle, document.baseURI);
  const path = (year) => new URL(`${year}/`, bundle).pathname;
  const shared = { baseUrl: root.dataset.site, excerptLength: 30 };
  const pagefind = await import(new URL(`${years[0]}/pagefind.js`, bundle).href);
  await pagefind.options({ ...shared, mergeFilter: { [YEAR_PART]: years[0] } });
  await pagefind.init();
  let loaded = 1;
  let loading = Promise.resolve();

  // Merge the years up to (not including) years[count] into the instance, each once.
  function load(count) {
    loading = loading.then(() => {
      const wanted = years.slice(loaded, count);
      loaded = Math.max(loaded, count);
      return Promise.all(
        wanted.map((year) => pagefind.mergeIndex(path(year), { ...shared, mergeFilter: { [YEAR_PART]: year } })),
      );
    });
    return loading;
  }

  return {
    // Relevance: Pagefind orders the hits of every year together, by score.
    async searchHits(term, chosen) {
      await load(years.length);
      const response = await pagefind.search(term, { filters: chosen });
      return { found: response.results, complete: true, fill: async () => {} };
    },
    // Newest first: years do not overlap in time, so each year's own date-sorted hits, joined newest
    // year first, are the archive's order. fill(count) searches older years until there are `count`
    // hits or no year is left. A chosen year is the one part that can hold hits.
    listHits(chosen) {
      const parts = chosen.year ? years.filter((year) => year === chosen.year) : years;
      const listing = { found: [], complete: parts.length === 0, next: 0 };
      listing.fill = async (count) => {
        while (listing.found.length < count && listing.next < parts.length) {
          const year = parts[listing.next];
          await load(years.indexOf(year) + 1);
          const response = await pagefind.search(null, {
            filters: { ...chosen, [YEAR_PART]: year },
            sort: { date: "desc" },
          });
          listing.found.push(...response.results);
          listing.next += 1;
          listing.complete = listing.next >= parts.length;
        }
      };
      return listing;
    },
  };
}

function countText(count, complete, strings) {
  if (!complete) {
    return strings.at_least.replace("{n}", count.toLocaleString("sv-SE"));
  }
  if (count === 0) {
    return strings.none;
  }
  return count === 1 ? strings.one : strings.many.replace("{n}", count.toLocaleString("sv-SE"));
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
// post contains can ever run as markup here. An ellipsis shows where the excerpt cuts the text.
function excerptNodes(html, content) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const nodes = [...parsed.body.childNodes].map((node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
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
