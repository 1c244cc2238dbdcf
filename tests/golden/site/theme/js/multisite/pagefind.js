/* Pagefind's JS API over the site's search bundles (gongjiang_pipeline/searchbundles.py),
   for Pagefind's UI: search.js gives PagefindUI this folder as its bundle path, so the
   UI imports this module in place of /pagefind/.../pagefind.js. It is Pagefind's own
   module of the first bundle in /search/bundles.js (the UI merges the others with
   mergeIndex), except for one thing. Each bundle is indexed from its own pages only,
   and for a query word that no word of a bundle starts with, Pagefind falls back to
   the longest word of that bundle that the query word starts with (焊工技师 -> 焊工),
   so a bundle without 焊工技师 would answer it with every page that has 焊工. So every
   bundle gets the hidden filter 分包 (its URL, through Pagefind's mergeFilter), and
   each search reads, for each query word, one shard of each bundle's word list
   (gongjiang-words/, written by the build), works out which bundles one index of the
   whole site would take no page from, and leaves those out with that filter. The
   filter is not listed among the filters. Only Pagefind's documented JS API is used:
   options, mergeIndex, search, debouncedSearch, preload, filters, init, destroy. */
const BUNDLE = "分包"; // = searchbundles.BUNDLE_FILTER
const WORDS = "gongjiang-words/"; // = searchbundles.WORDS_DIR
const SHARDS = 32; // = searchbundles.WORD_SHARDS
const PUNCTUATION = /^\p{Pd}|\p{Pe}|\p{Pf}|\p{Pi}|\p{Po}|\p{Ps}$/u; // as Pagefind's (sic)
const bundles = (window.GONGJIANG_SEARCH_BUNDLES_BY_LANG || {})[document.documentElement.lang] ||
    window.GONGJIANG_SEARCH_BUNDLES || ["/pagefind/"];
const pagefind = await import(bundles[0] + "pagefind.js");
// the language Pagefind asks each bundle for: the page's, as Pagefind reads it
const pageLanguage = (document.documentElement.getAttribute("lang") || "unknown").toLocaleLowerCase();
const searched = [{ url: bundles[0], language: pageLanguage }]; // the primary, then the merged ones

function own(url, filter) {
  const out = Object.assign({}, filter || {});
  out[BUNDLE] = url;
  return out;
}

await pagefind.options({ mergeFilter: own(bundles[0]) });

const files = new Map(); // URL -> Promise of its JSON
function json(url) {
  if (!files.has(url)) {
    const got = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return r.json();
    });
    got.catch(() => files.delete(url)); // asked again next time
    files.set(url, got);
  }
  return files.get(url);
}

const loaded = Date.now(); // languages.json afresh once per page, as Pagefind its entry file
const wordLists = (url) => json(`${url}${WORDS}languages.json?ts=${loaded}`);

// Pagefind's findIndex: the language, its first subtag, else the index with most pages
function pickLanguage(languages, language) {
  if (languages[language]) return languages[language];
  if (languages[language.split("-")[0]]) return languages[language.split("-")[0]];
  return Object.values(languages).sort((a, b) => b.pages - a.pages)[0];
}

// The query words as Pagefind 1.5 makes them (PagefindInstance.search): graphemes, less
// punctuation (not the characters it is told to keep), lower case; for zh, ja and th
// split into words by the browser's word segmenter; diacritics removed.
function queryWords(term, language, keep) {
  let trueLanguage = null;
  try {
    trueLanguage = Intl.getCanonicalLocales(language)[0];
  } catch (e) {
    // not a valid language: Pagefind goes by characters
  }
  const chunk = (grapheme) =>
    keep.includes(grapheme) ? grapheme : PUNCTUATION.test(grapheme) ? null : grapheme.toLocaleLowerCase();
  const chunks = [];
  if (trueLanguage && typeof Intl.Segmenter !== "undefined") {
    const graphemes = new Intl.Segmenter(trueLanguage, { granularity: "grapheme" });
    if (["zh", "ja", "th"].includes(trueLanguage.split("-")[0].toLowerCase())) {
      const words = new Intl.Segmenter(trueLanguage, { granularity: "word" });
      for (const { segment: word } of words.segment(term)) {
        const parts = [];
        for (const { segment } of graphemes.segment(word)) {
          const c = chunk(segment);
          if (c !== null) parts.push(c);
        }
        if (parts.length > 0) chunks.push(parts.join(""));
      }
      term = chunks.join(" ");
    } else {
      for (const { segment } of graphemes.segment(term)) {
        const c = chunk(segment);
        if (c !== null) chunks.push(c);
      }
      term = chunks.join("");
    }
  } else {
    for (const c of term) {
      const d = chunk(c);
      if (d !== null) chunks.push(d);
    }
    term = chunks.join("");
  }
  term = term.replace(/\s{2,}/g, " ").trim().normalize("NFD").replace(/\p{M}/gu, "");
  return term ? term.split(" ") : [];
}

// The bundles one index of the whole site would take no page from, for ``term``: for
// each query word (Pagefind ANDs them), the bundles without a word that starts with it
// if any bundle has one; else those without the longest word it starts with (over all
// bundles); none for a word no bundle has a word for (Pagefind drops it). None for an
// exact ("quoted") search (Pagefind then looks each word up as it is, no fallback), one
// bundle, a stemmed language (the lists hold stems) or a word list that cannot be read
// (then Pagefind answers as it would without them).
async function excluded(term) {
  const bundlesNow = searched.slice();
  if (typeof term !== "string" || bundlesNow.length < 2 || /^\s*".+"\s*$/.test(term)) return [];
  try {
    const infos = await Promise.all(bundlesNow.map((b) => wordLists(b.url)));
    const langs = bundlesNow.map((b, i) => pickLanguage(infos[i].languages || {}, b.language));
    if (langs.some((l) => !l || l.stemmed)) return [];
    const words = queryWords(term, bundlesNow[0].language, infos[0].include_characters || []);
    if (bundlesNow.some((b, i) => queryWords(term, b.language, infos[i].include_characters || []).join(" ") !==
        words.join(" "))) return []; // (bundles built differently: not one index)
    const out = new Set();
    const shards = await Promise.all(words.filter(Boolean).map((word) => Promise.all(bundlesNow.map((b, i) =>
      json(`${b.url}${WORDS}${langs[i].shards[word.codePointAt(0) % SHARDS]}`)))));
    for (const [k, word] of words.filter(Boolean).entries()) {
      const lists = shards[k];
      const extends_ = lists.map((list) => list.some((w) => w.startsWith(word)));
      if (extends_.some(Boolean)) {
        extends_.forEach((e, i) => e || out.add(bundlesNow[i].url));
      } else {
        const prefix = lists.map((list) => list.reduce((n, w) => (w.length > n && word.startsWith(w) ? w.length : n), 0));
        const longest = Math.max(...prefix);
        // (no bundle has a word for it: one index then drops the query word, as each bundle does)
        if (longest > 0) prefix.forEach((n, i) => n === longest || out.add(bundlesNow[i].url));
      }
    }
    return [...out];
  } catch (e) {
    return [];
  }
}

function hide(filters) {
  if (filters && typeof filters === "object") delete filters[BUNDLE];
  return filters;
}

function withExcluded(opts, urls) {
  const out = Object.assign({}, opts || {});
  const filters = Object.assign({}, out.filters || {});
  filters[BUNDLE] = { none: urls };
  out.filters = filters;
  return out;
}

export const options = (opts) => {
  const o = Object.assign({}, opts || {});
  if ("language" in o) searched[0].language = String(o.language).toLocaleLowerCase();
  o.mergeFilter = own(bundles[0], o.mergeFilter);
  return pagefind.options(o);
};
export const mergeIndex = (url, opts) => {
  const o = Object.assign({}, opts || {});
  o.mergeFilter = own(url, o.mergeFilter);
  searched.push({ url, language: o.language || pageLanguage });
  return pagefind.mergeIndex(url, o);
};
export const init = () => pagefind.init();
export const destroy = () => pagefind.destroy();
export const createInstance = (opts) => pagefind.createInstance(opts);
export const filters = async () => hide(await pagefind.filters());
export const preload = async (term, opts) => {
  await Promise.all([excluded(term), pagefind.preload(term, opts)]);
};
export const search = async (term, opts) => {
  // the word lists and Pagefind's index chunks for the query, side by side
  const [urls] = await Promise.all([excluded(term), pagefind.preload(term, opts)]);
  if (!urls.length) {
    const results = await pagefind.search(term, opts);
    if (results) {
      hide(results.filters);
      hide(results.totalFilters);
    }
    return results;
  }
  const theirs = (opts && opts.filters) || {};
  const results = await pagefind.search(term, withExcluded(opts, urls));
  if (results) {
    // without the caller's filters, as one index would count them: the left-out bundles'
    // pages not counted (Pagefind counts those before any filter)
    const unfiltered = Object.keys(theirs).length
      ? await pagefind.search(term, withExcluded(Object.assign({}, opts, { filters: {} }), urls))
      : results;
    results.totalFilters = hide(JSON.parse(JSON.stringify(unfiltered.filters || {})));
    results.unfilteredResultCount = unfiltered.results.length;
    hide(results.filters);
  }
  return results;
};
let searchID = 0;
export const debouncedSearch = async (term, opts, timeout = 300) => {
  // as Pagefind's: only the last of quick successive calls searches
  const id = ++searchID;
  preload(term, opts);
  await new Promise((resolve) => setTimeout(resolve, timeout));
  if (id !== searchID) return null;
  const results = await search(term, opts);
  return id === searchID ? results : null;
};
