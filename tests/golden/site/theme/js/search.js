/* Site search page: Pagefind's own UI, in Chinese (in English on /en/search/), with photo, name, occupation,
   employer and award on every result, and 说明：示例数据 on
   results from sample editions. The index is built by `make html`
   (gongjiang_pipeline/searchindex.py); what it holds is described in
   gongjiang_pipeline/search.py. The index is split into one Pagefind bundle per
   edition (gongjiang_pipeline/searchbundles.py): the first one listed in
   /search/bundles.js is loaded, the others merged with Pagefind's mergeIndex,
   through js/multisite/pagefind.js (which leaves out of every search the bundles
   that one index of the whole site would take no page from). */
(function () {
  "use strict";

  // the English search page (/en/search/) searches the English bundle: Pagefind picks it by <html lang>
  var en = document.documentElement.lang === "en";
  // result metadata (data-pagefind-meta) -> the label shown on a result
  var LABELS = en
    ? [["name", "Person"], ["occupation", "Occupation"], ["employer", "Employer"], ["award", "Award"], ["sample", "Note"]]
    : [["name", "人物"], ["occupation", "工种"], ["employer", "工作单位"], ["award", "奖项"], ["sample", "说明"]];

  function processResult(result) {
    var meta = result.meta || {};
    var shown = { title: meta.title };
    if (meta.image) {
      shown.image = meta.image;
      shown.image_alt = meta.image_alt || meta.title;
    }
    LABELS.forEach(function (pair) {
      var value = meta[pair[0]];
      // a craftsman page's title is the name already; a story's is not
      if (value && !(pair[0] === "name" && value === meta.title)) shown[pair[1]] = value;
    });
    result.meta = shown;
    return result;
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  var bundles = (window.GONGJIANG_SEARCH_BUNDLES_BY_LANG || {})[document.documentElement.lang] ||
    window.GONGJIANG_SEARCH_BUNDLES || ["/pagefind/"];
  var script = document.currentScript;
  var here = script && script.tagName.toUpperCase() === "SCRIPT" ? script.src : "/theme/js/search.js";
  var ui = new PagefindUI({
    element: "#search",
    // Pagefind's UI imports <bundlePath>pagefind.js: our module over the first bundle
    bundlePath: here.replace(/search\.js(\?.*)?$/, "multisite/"),
    mergeIndex: bundles.slice(1).map(function (path) {
      return { bundlePath: path };
    }),
    showImages: true,
    showSubResults: false,
    showEmptyFilters: false,
    resetStyles: false,
    pageSize: 10,
    excerptLength: 40,
    autofocus: false, // focused below: Pagefind's autofocus attribute makes Chromium log a note
    processResult: processResult,
    translations: en ? {
      placeholder: "Name (e.g. SHAN Lixin), occupation or employer",
      search_label: "Search craftsmen and stories",
      filters_label: "Filters",
      clear_search: "Clear",
      load_more: "Load more results",
      zero_results: "No results for [SEARCH_TERM]",
      many_results: "[COUNT] results for [SEARCH_TERM]",
      one_result: "[COUNT] result for [SEARCH_TERM]",
      searching: "Searching for [SEARCH_TERM]...",
      results_label: "Search results",
      error_search: "Search failed, please try again later",
    } : {
      placeholder: "输入姓名、拼音、工种或工作单位",
      search_label: "搜索工匠和工匠故事",
      filters_label: "筛选",
      clear_search: "清除",
      load_more: "加载更多结果",
      zero_results: "没有找到与“[SEARCH_TERM]”相关的结果",
      many_results: "找到 [COUNT] 个与“[SEARCH_TERM]”相关的结果",
      one_result: "找到 [COUNT] 个与“[SEARCH_TERM]”相关的结果",
      searching: "正在搜索“[SEARCH_TERM]”……",
      results_label: "搜索结果",
      error_search: "搜索失败，请稍后重试",
    },
  });
  // Pagefind labels its box with a title only: name it by the page's visible heading and help
  var input = document.querySelector("#search .pagefind-ui__search-input");
  if (input) {
    input.setAttribute("aria-labelledby", "search-title");
    input.setAttribute("aria-describedby", "search-help");
  }
  // Pagefind's form action is a script URL (it handles submit itself): our pages carry
  // none (the DOM audit of tests/test_xss_browser.py), so point it at this page
  var form = document.querySelector("#search form.pagefind-ui__form");
  if (form) form.setAttribute("action", window.location.pathname);
  if (query) {
    ui.triggerSearch(query);
  } else if (input) {
    input.focus();
  }
})();
