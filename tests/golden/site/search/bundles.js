/* Search bundles (gongjiang_pipeline/searchbundles.py): the first is loaded,
   the others merged with Pagefind's mergeIndex. */
window.GONGJIANG_SEARCH_BUNDLES = ["/pagefind/", "/pagefind/2026/", "/pagefind/2016/"];
