/* Pagefind's JS API over the site's search bundles (gongjiang_pipeline/searchbundles.py),
   for Pagefind's UI: search.js gives PagefindUI this folder as its bundle path, so the
   UI imports this module in place of /pagefind/.../pagefind.js. It is Pagefind's own
   module of the first bundle in /search/bundles.js (the UI merges the others with
   mergeIndex), except that every search leaves out the vocabulary pages (filter 词表:
   each bundle carries the site's words that its pages lack, so that Pagefind resolves
   every query word in every bundle as one index of the whole site does), and that
   filter is not listed among the filters. Only Pagefind's documented JS API is used:
   options, mergeIndex, search, debouncedSearch, preload, filters, init, destroy. */
const VOCAB = "词表";
const bundles = (window.GONGJIANG_SEARCH_BUNDLES_BY_LANG || {})[document.documentElement.lang] ||
    window.GONGJIANG_SEARCH_BUNDLES || ["/pagefind/"];
const pagefind = await import(bundles[0] + "pagefind.js");

function withoutVocabulary(options) {
  const opts = Object.assign({}, options || {});
  const exclude = {};
  exclude[VOCAB] = "是";
  opts.filters = Object.assign({}, opts.filters || {}, { not: exclude });
  return opts;
}

function hideVocabulary(filters) {
  if (filters && typeof filters === "object") delete filters[VOCAB];
  return filters;
}

function hideInResults(results) {
  if (results) {
    hideVocabulary(results.filters);
    hideVocabulary(results.totalFilters);
  }
  return results;
}

export const options = (opts) => pagefind.options(opts);
export const mergeIndex = (url, opts) => pagefind.mergeIndex(url, opts);
export const init = () => pagefind.init();
export const destroy = () => pagefind.destroy();
export const createInstance = (opts) => pagefind.createInstance(opts);
export const filters = async () => hideVocabulary(await pagefind.filters());
export const preload = (term, opts) => pagefind.preload(term, withoutVocabulary(opts));
export const search = async (term, opts) => hideInResults(await pagefind.search(term, withoutVocabulary(opts)));
export const debouncedSearch = async (term, opts, timeout) =>
  hideInResults(await pagefind.debouncedSearch(term, withoutVocabulary(opts), timeout));
