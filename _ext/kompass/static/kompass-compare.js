/* The comparison of evaluations ({compare-evaluations}, comparepage.py).
 *
 * Runs over the score data embedded in the page (a JSON <script>), so it
 * works offline and from file://: nothing is fetched. Every text it shows
 * comes translated in that data. Names are data: the page is built with DOM
 * methods and textContent only, never HTML strings. The controls are native
 * form elements (keyboard and screen readers work as everywhere); the result
 * is a table per level with a caption, announced by a polite status line; the
 * chart is an SVG image whose numbers are the table's.
 *
 * The selection lives in the address's query, ?jamfor=slug1,slug2&snitt=DATE,
 * so a link can pre-fill it (reports and municipality pages do).
 */
(function () {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  // Okabe–Ito, as the drawn charts (charts.py).
  var COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00',
    '#F0E442', '#000000'];

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  /* A wide table scrolls sideways inside its own box on a phone; the box
   * takes the keyboard's focus (so it can be scrolled without a mouse) and
   * is named after the table. */
  function scrollBox(table, label) {
    return el('div', { 'class': 'kompass-compare-scroll', tabindex: '0', role: 'region',
      'aria-label': label }, [table]);
  }

  function svg(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) {
      if (name === 'text') node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    return node;
  }

  function format(template) {
    var args = Array.prototype.slice.call(arguments, 1);
    var i = 0;
    return template.replace(/%[sd]/g, function () { return String(args[i++]); });
  }

  /* 12,5 with a decimal comma; whole numbers without decimals; – if unknown. */
  function number(value) {
    if (value === null || value === undefined) return '–';
    var rounded = Math.round(value * 10) / 10;
    if (rounded === 0) return '0';
    return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1).replace('.', ',');
  }

  function signed(value) {
    if (value === null || value === undefined) return '–';
    var text = number(Math.abs(value));
    if (text === '0') return '0';
    return (value > 0 ? '+' : '−') + text;
  }

  function mean(values) {
    if (!values.length) return null;
    return values.reduce(function (a, b) { return a + b; }, 0) / values.length;
  }

  function known(value) { return value !== null && value !== undefined; }

  /* A mean only of enough values: FORMAT.md shows no computed average of
   * fewer than kompass_average_min evaluations (it is left out, not guessed). */
  function meanOfEnough(values, minimum) {
    return values.length >= minimum ? mean(values) : null;
  }

  /* FORMAT.md's national average at a date: final evaluations of the same
   * criteria dated from `since` up to and including the date. */
  function average(data, catalogue, date, labels) {
    var pool = data.evaluations.filter(function (e) {
      return e.criteria === catalogue.id && e.final && e.sortDate >= data.since &&
        e.sortDate <= date;
    });
    var result = { slug: '', label: format(labels.averageLabel, date), areas: {},
      points: {}, total: null, isAverage: true, areaCount: 0, totalCount: 0 };
    catalogue.areas.forEach(function (area) {
      var values = pool.filter(function (e) { return known(e.areas[area.id]); })
        .map(function (e) { return e.areas[area.id]; });
      result.areas[area.id] = meanOfEnough(values, data.averageMin);
      result.areaCount = Math.max(result.areaCount, values.length);
      area.criteria.forEach(function (crit) {
        var points = pool.filter(function (e) { return known(e.points[crit.id]); })
          .map(function (e) { return e.points[crit.id]; });
        result.points[crit.id] = meanOfEnough(points, data.averageMin);
      });
    });
    var totals = pool.filter(function (e) { return known(e.total); })
      .map(function (e) { return e.total; });
    result.total = meanOfEnough(totals, data.averageMin);
    result.totalCount = totals.length;
    return result;
  }

  /* A query value as text; null if it is not valid percent-encoding (the
   * address is anyone's to write: ?jamfor=% must not stop the page). */
  function decoded(text) {
    try {
      return decodeURIComponent(text);
    } catch (error) {
      return null;
    }
  }

  function readQuery() {
    var found = { slugs: [], average: null };
    window.location.search.replace(/^\?/, '').split('&').forEach(function (part) {
      var pair = part.split('=');
      var value = decoded(pair.slice(1).join('='));
      if (pair[0] === 'jamfor' && value) found.slugs = value.split(',');
      if (pair[0] === 'snitt' && value) found.average = value;
    });
    return found;
  }

  function writeQuery(state) {
    var parts = ['jamfor=' + state.selected.map(encodeURIComponent).join(',')];
    if (state.average) parts.push('snitt=' + encodeURIComponent(state.averageDate));
    try {
      window.history.replaceState(null, '', '?' + parts.join('&') + window.location.hash);
    } catch (error) {
      // Some browsers refuse history changes on file:// pages; the
      // comparison works all the same, only the address does not follow.
    }
  }

  function Compare(root, data) {
    this.root = root;
    this.data = data;
    this.labels = data.labels;
    this.bySlug = {};
    data.evaluations.forEach(function (e) { this.bySlug[e.slug] = e; }, this);
    var wanted = readQuery();
    var first = wanted.slugs.filter(function (s) { return this.bySlug[s]; }, this)[0];
    var catalogue = first ? this.bySlug[first].criteria :
      (data.catalogues[0] ? data.catalogues[0].id : '');
    var latest = data.evaluations.reduce(function (date, e) {
      return e.sortDate > date && e.sortDate < '9999' ? e.sortDate : date;
    }, data.since);
    this.state = {
      catalogue: catalogue,
      selected: wanted.slugs.filter(function (s) {
        return this.bySlug[s] && this.bySlug[s].criteria === catalogue;
      }, this),
      average: Boolean(wanted.average),
      averageDate: /^\d{4}-\d{2}-\d{2}$/.test(wanted.average || '') ? wanted.average : latest,
      reference: 0
    };
    this.build();
    this.render();
  }

  Compare.prototype.catalogue = function () {
    var id = this.state.catalogue;
    return this.data.catalogues.filter(function (c) { return c.id === id; })[0];
  };

  Compare.prototype.build = function () {
    var self = this;
    var L = this.labels;
    var form = el('form', { 'class': 'kompass-compare-form' });
    form.addEventListener('submit', function (event) { event.preventDefault(); });

    if (this.data.catalogues.length > 1) {
      var select = el('select', { id: 'kompass-compare-catalogue' });
      this.data.catalogues.forEach(function (c) {
        var option = el('option', { value: c.id, text: c.title });
        if (c.id === self.state.catalogue) option.selected = true;
        select.appendChild(option);
      });
      select.addEventListener('change', function () {
        self.state.catalogue = select.value;
        self.state.selected = [];
        self.state.reference = 0;
        self.fillChoices();
        self.render();
      });
      form.appendChild(el('p', {}, [
        el('label', { 'for': 'kompass-compare-catalogue', text: L.criteria + ' ' }), select]));
    }

    var filter = el('input', { type: 'search', id: 'kompass-compare-filter',
      autocomplete: 'off' });
    filter.addEventListener('input', function () { self.filterChoices(filter.value); });
    this.choices = el('ul', { 'class': 'kompass-compare-choices' });
    form.appendChild(el('fieldset', {}, [
      el('legend', { text: L.evaluations }),
      el('p', {}, [el('label', { 'for': 'kompass-compare-filter', text: L.filter + ' ' }),
        filter]),
      this.choices
    ]));

    var showAverage = el('input', { type: 'checkbox', id: 'kompass-compare-average' });
    showAverage.checked = this.state.average;
    var date = el('input', { type: 'date', id: 'kompass-compare-date',
      value: this.state.averageDate });
    showAverage.addEventListener('change', function () {
      self.state.average = showAverage.checked;
      self.render();
    });
    date.addEventListener('change', function () {
      if (/^\d{4}-\d{2}-\d{2}$/.test(date.value)) {
        self.state.averageDate = date.value;
        self.render();
      }
    });
    form.appendChild(el('fieldset', {}, [
      el('legend', { text: L.average }),
      el('p', {}, [showAverage,
        el('label', { 'for': 'kompass-compare-average', text: ' ' + L.showAverage })]),
      el('p', {}, [el('label', { 'for': 'kompass-compare-date', text: L.averageDate + ' ' }),
        date])
    ]));

    this.referenceSelect = el('select', { id: 'kompass-compare-reference' });
    this.referenceSelect.addEventListener('change', function () {
      self.state.reference = Number(self.referenceSelect.value);
      self.render();
    });
    form.appendChild(el('p', {}, [
      el('label', { 'for': 'kompass-compare-reference', text: L.reference + ' ' }),
      this.referenceSelect]));

    this.status = el('p', { 'class': 'kompass-compare-status', role: 'status',
      'aria-live': 'polite' });
    this.result = el('div', { 'class': 'kompass-compare-result' });
    this.root.appendChild(form);
    this.root.appendChild(this.status);
    this.root.appendChild(this.result);
    this.fillChoices();
  };

  Compare.prototype.fillChoices = function () {
    var self = this;
    var L = this.labels;
    this.choices.textContent = '';
    this.data.evaluations.forEach(function (e, i) {
      if (e.criteria !== self.state.catalogue) return;
      var id = 'kompass-compare-e' + i;
      var box = el('input', { type: 'checkbox', id: id, value: e.slug });
      box.checked = self.state.selected.indexOf(e.slug) >= 0;
      box.addEventListener('change', function () {
        var at = self.state.selected.indexOf(e.slug);
        if (box.checked && at < 0) self.state.selected.push(e.slug);
        if (!box.checked && at >= 0) self.state.selected.splice(at, 1);
        self.render();
      });
      var kind = e.kind === 'report' ? L.report : L.data;
      var text = ' ' + e.label + ' (' + kind + (e.final ? '' : ', ' + L.draft) + ')';
      self.choices.appendChild(el('li', { 'data-search': e.label.toLowerCase() },
        [box, el('label', { 'for': id, text: text })]));
    });
  };

  Compare.prototype.filterChoices = function (text) {
    var wanted = text.trim().toLowerCase();
    Array.prototype.forEach.call(this.choices.children, function (item) {
      item.hidden = wanted !== '' && item.getAttribute('data-search').indexOf(wanted) < 0;
    });
  };

  Compare.prototype.series = function () {
    var list = this.state.selected.map(function (slug) { return this.bySlug[slug]; }, this);
    if (this.state.average) {
      list.push(average(this.data, this.catalogue(), this.state.averageDate, this.labels));
    }
    return list;
  };

  Compare.prototype.render = function () {
    var L = this.labels;
    var series = this.series();
    var catalogue = this.catalogue();
    writeQuery(this.state);
    if (this.state.reference >= series.length) this.state.reference = 0;
    this.referenceSelect.textContent = '';
    series.forEach(function (s, i) {
      var option = el('option', { value: String(i), text: s.label });
      if (i === this.state.reference) option.selected = true;
      this.referenceSelect.appendChild(option);
    }, this);
    this.referenceSelect.disabled = series.length < 2;
    this.result.textContent = '';
    var messages = [];
    if (series.length) {
      messages.push(format(L.showing, series.map(function (s) { return s.label; })
        .join(', ')));
    }
    if (series.length < 2) messages.push(L.choose);
    var avg = series.filter(function (s) { return s.isAverage; })[0];
    if (avg) {
      messages.push(format(L.averageCount, avg.areaCount, avg.totalCount));
      if (Math.min(avg.areaCount, avg.totalCount) < this.data.averageMin) {
        messages.push(format(L.withheld, this.data.averageMin));
      } else if (avg.areaCount < this.data.smallSample) {
        messages.push(format(L.small, this.data.smallSample));
      }
    }
    this.status.textContent = messages.join(' ');
    if (!series.length || !catalogue) return;
    this.result.appendChild(this.chart(series, catalogue));
    this.result.appendChild(scrollBox(this.areaTable(series, catalogue), L.areas));
    var anyPoints = series.some(function (s) {
      return Object.keys(s.points).some(function (k) { return known(s.points[k]); });
    });
    if (anyPoints) {
      this.result.appendChild(scrollBox(this.criterionTable(series, catalogue), L.criteriaTable));
    }
    else this.result.appendChild(el('p', { text: L.noCriteria }));
  };

  Compare.prototype.header = function (series, first) {
    var L = this.labels;
    var reference = series[this.state.reference];
    var cells = [el('th', { scope: 'col', text: first }), el('th', { scope: 'col', text: L.max })];
    series.forEach(function (s) {
      var th = el('th', { scope: 'col' });
      if (s.url) th.appendChild(el('a', { href: s.url, text: s.label }));
      else th.textContent = s.label;
      cells.push(th);
    });
    series.forEach(function (s, i) {
      if (series.length > 1 && i !== this.state.reference) {
        cells.push(el('th', { scope: 'col', text: format(L.difference, s.label,
          reference.label) }));
      }
    }, this);
    return el('thead', {}, [el('tr', {}, cells)]);
  };

  Compare.prototype.row = function (series, name, maximum, valueOf, strong) {
    var reference = valueOf(series[this.state.reference]);
    var head = el('th', { scope: 'row' });
    if (typeof name === 'string') head.textContent = name; else head.appendChild(name);
    var cells = [head, el('td', { text: String(maximum) })];
    series.forEach(function (s) { cells.push(el('td', { text: number(valueOf(s)) })); });
    series.forEach(function (s, i) {
      if (series.length > 1 && i !== this.state.reference) {
        var value = valueOf(s);
        var both = known(value) && known(reference);
        cells.push(el('td', { 'class': 'kompass-compare-difference',
          text: both ? signed(value - reference) : '–' }));
      }
    }, this);
    return el('tr', strong ? { 'class': 'kompass-compare-sum' } : {}, cells);
  };

  Compare.prototype.areaTable = function (series, catalogue) {
    var L = this.labels;
    var body = el('tbody');
    catalogue.areas.forEach(function (area) {
      body.appendChild(this.row(series, area.id + '. ' + area.title, area.max,
        function (s) { return s.areas[area.id]; }));
    }, this);
    body.appendChild(this.row(series, L.total, catalogue.max,
      function (s) { return s.total; }, true));
    return el('table', { 'class': 'kompass-table kompass-compare-areas' }, [
      el('caption', { text: L.areas }), this.header(series, L.area), body]);
  };

  Compare.prototype.criterionTable = function (series, catalogue) {
    var L = this.labels;
    var body = el('tbody');
    catalogue.areas.forEach(function (area) {
      area.criteria.forEach(function (crit) {
        var any = series.some(function (s) { return known(s.points[crit.id]); });
        if (!any) return;
        var name = crit.id + ' ' + crit.title;
        var cell = crit.url ? el('a', { href: crit.url, text: name }) : name;
        body.appendChild(this.row(series, cell, crit.max,
          function (s) { return s.points[crit.id]; }));
      }, this);
    }, this);
    return el('table', { 'class': 'kompass-table kompass-compare-criteria' }, [
      el('caption', { text: L.criteriaTable }), this.header(series, L.criterion), body]);
  };

  /* Grouped bars per area, the area's maximum as a pale bar behind. */
  Compare.prototype.chart = function (series, catalogue) {
    var L = this.labels;
    var areas = catalogue.areas;
    var width = 760;
    var height = 300;
    var left = 40;
    var bottom = 60;
    var top = 16;
    var plot = height - bottom - top;
    var slot = (width - left) / Math.max(areas.length, 1);
    var bar = (slot * 0.8) / series.length;
    var highest = Math.max.apply(null, areas.map(function (a) { return a.max; }));
    var names = series.map(function (s) { return s.label; }).join(', ');
    var image = svg('svg', { viewBox: '0 0 ' + width + ' ' + (height + 24 * series.length),
      role: 'img', 'aria-label': format(L.chart, names), 'class': 'kompass-compare-chart' });
    function y(value) { return top + plot - (plot * value) / highest; }
    image.appendChild(svg('line', { x1: left, x2: width, y1: y(0), y2: y(0),
      stroke: '#333333' }));
    [0, 0.5, 1].forEach(function (share) {
      var value = Math.round(highest * share);
      image.appendChild(svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end',
        'font-size': 11, text: String(value) }));
    });
    areas.forEach(function (area, i) {
      var x0 = left + i * slot + slot * 0.1;
      image.appendChild(svg('rect', { x: x0 - slot * 0.05, y: y(area.max),
        width: slot * 0.9, height: y(0) - y(area.max), fill: '#eeeeee' }));
      series.forEach(function (s, j) {
        var value = s.areas[area.id];
        if (!known(value)) return;
        var rect = svg('rect', { x: x0 + j * bar, y: y(value), width: Math.max(bar - 2, 1),
          height: y(0) - y(value), fill: COLOURS[j % COLOURS.length] });
        rect.appendChild(svg('title', { text: s.label + ', ' + area.label + ': ' +
          number(value) }));
        image.appendChild(rect);
      });
      image.appendChild(svg('text', { x: left + i * slot + slot / 2, y: y(0) + 16,
        'text-anchor': 'middle', 'font-size': 11, text: area.id }));
    });
    series.forEach(function (s, j) {
      var row = height + 24 * j - 20;
      image.appendChild(svg('rect', { x: left, y: row - 10, width: 14, height: 14,
        fill: COLOURS[j % COLOURS.length] }));
      image.appendChild(svg('text', { x: left + 20, y: row + 2, 'font-size': 12,
        text: s.label }));
    });
    return image;
  };

  function start() {
    document.querySelectorAll('.kompass-compare').forEach(function (root) {
      var source = root.querySelector('script.kompass-compare-data');
      var app = root.querySelector('.kompass-compare-app');
      if (!source || !app) return;
      var data = JSON.parse(source.textContent);
      new Compare(app, data);
      app.hidden = false;
    });
    // The tables below are the page without JavaScript; the tool replaces them.
    document.querySelectorAll('.kompass-compare-fallback').forEach(function (table) {
      table.hidden = true;
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
