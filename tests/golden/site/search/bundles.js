/* Search bundles (gongjiang_pipeline/searchbundles.py): the first is loaded,
   the others merged with Pagefind's mergeIndex; a page whose <html lang> has
   bundles of its own (GONGJIANG_SEARCH_BUNDLES_BY_LANG) searches those. */
window.GONGJIANG_SEARCH_BUNDLES_BY_LANG = {"en": ["/pagefind/en/"]};
window.GONGJIANG_SEARCH_BUNDLES = ["/pagefind/", "/pagefind/2026/", "/pagefind/2016/"];
