/* Sortable kompass tables: click a column header to sort, click again to
 * reverse. Numbers sort as numbers, text in Swedish order; "–" sorts last. */
(function () {
  'use strict';
  function key(cell) {
    var text = cell.textContent.trim();
    var number = Number(text.replace(',', '.').replace(/\s/g, ''));
    return text === '' || text === '–' ? null : (isNaN(number) ? text : number);
  }
  function compare(a, b) {
    if (a === null) return b === null ? 0 : 1;
    if (b === null) return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b), 'sv');
  }
  function makeSortable(table) {
    var headers = table.querySelectorAll('thead th');
    var body = table.tBodies[0];
    headers.forEach(function (th, column) {
      th.style.cursor = 'pointer';
      th.setAttribute('role', 'button');
      th.setAttribute('tabindex', '0');
      th.title = 'Sortera';
      function sort() {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var result = compare(key(r1.cells[column]), key(r2.cells[column]));
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
      });
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('table.kompass-sortable').forEach(makeSortable);
  });
})();
