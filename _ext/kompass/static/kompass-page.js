// Pages of the site in any theme (kompass.htmlpage).
(function () {
  'use strict';

  // Sphinx's search picks a plural form with translated[PLURAL_EXPR(n)], and a
  // Swedish plural rule, "(n != 1)", gives true/false, not 0/1: the result
  // count came out undefined and the search stopped with an error. A number
  // fixes it and leaves languages whose rule already gives one as they were.
  // (translations.js sets the rule after this file runs, before the page is ready.)
  function numericPlurals() {
    // doctools.js declares it with const: a global name, not a window property.
    var docs = typeof Documentation === 'undefined' ? null : Documentation;
    if (docs && typeof docs.PLURAL_EXPR === 'function' && !docs.PLURAL_EXPR.kompass) {
      var rule = docs.PLURAL_EXPR;
      docs.PLURAL_EXPR = function (n) { return Number(rule(n)); };
      docs.PLURAL_EXPR.kompass = true;
    }
  }
  document.addEventListener('DOMContentLoaded', numericPlurals);

  // A chart that scrolls inside its box on a narrow screen is reachable by
  // keyboard (tab to it, then the arrow keys scroll it).
  function markScrollingCharts() {
    document.querySelectorAll('.kompass-figure').forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute('tabindex', '0');
      } else {
        box.removeAttribute('tabindex');
      }
    });
  }
  document.addEventListener('DOMContentLoaded', markScrollingCharts);
  window.addEventListener('load', markScrollingCharts);
  window.addEventListener('resize', markScrollingCharts);
})();
