  /* ---------------------------------------------------------------- sources and copies */
  function cell(v) {
    if (v === null || v === undefined) { return ''; }
    if (typeof v === 'number') { return Number.isInteger(v) ? String(v) : fmt(v); }
    return clip(v, 300);
  }
  function table(target, data, numeric, onRow) {
    var sort = null, dir = 1;
    var thead = el('thead'), tbody = el('tbody'), tr = el('tr');
    data.columns.forEach(function (c, i) {
      var th = el('th', { cls: numeric(i) ? 'num' : '', text: c.replace(/_/g, ' '), data: { col: c } });
      th.addEventListener('click', function () { if (sort === i) { dir = -dir; } else { sort = i; dir = numeric(i) ? -1 : 1; } draw(); });
      tr.appendChild(th);
    });
    if (onRow) { tr.appendChild(el('th', { text: '' })); }
    thead.appendChild(tr);
    function draw() {
      var rows = data.rows.slice();
      if (sort !== null) {
        rows.sort(function (a, b) {
          var x = a[sort], y = b[sort];
          return (numeric(sort) ? (x === null ? -Infinity : x) - (y === null ? -Infinity : y) : String(x).localeCompare(String(y))) * dir;
        });
      }
      tbody.replaceChildren();
      rows.forEach(function (r) {
        var row = el('tr');
        r.forEach(function (v, i) { row.appendChild(el('td', { cls: numeric(i) ? 'num' : '', text: cell(v) })); });
        if (onRow) { row.appendChild(el('td', {}, onRow(r))); }
        tbody.appendChild(row);
      });
      thead.querySelectorAll('th[data-col]').forEach(function (th, i) { th.dataset.sort = i === sort ? String(dir) : ''; });
    }
    target.replaceChildren(el('table', {}, thead, tbody));
    draw();
  }
  function isNum(data) {
    return function (i) { return data.rows.length > 0 && data.rows.some(function (r) { return typeof r[i] === 'number'; }); };
  }
  var S = D.sources, SRC = S.columns.indexOf('source');
  var ATTRIBUTES = distinct('attribute');
  table($('sources-table'), S, isNum(S), function (r) {
    var rel = el('input', { type: 'number', min: '0', max: '1', step: '0.01', value: '0.9', size: 5 });
    var attr = el('select', { cls: 'pin-attribute' }, el('option', { value: '', text: 'all attributes' }));
    ATTRIBUTES.forEach(function (a) { attr.appendChild(el('option', { value: a, text: clip(a, 60) })); });
    var note = noteInput(), go = el('button', { cls: 'act act-pin', text: 'Pin' });
    go.addEventListener('click', function () {
      add({ kind: 'pin', source: r[SRC], attribute: attr.value, reliability: Number(rel.value), note: note.value.trim() });
    });
    return el('span', { cls: 'actions' }, rel, attr, note, go);
  });
  var CA = D.copies.columns.indexOf('source_a'), CB = D.copies.columns.indexOf('source_b');
  table($('copies-table'), D.copies, isNum(D.copies), function (r) {
    var note = noteInput(), yes = el('button', { cls: 'act', text: 'Confirm copying' });
    var no = el('button', { cls: 'act', text: 'Reject' });
    yes.addEventListener('click', function () { add({ kind: 'copy', source: r[CA], other: r[CB], copying: 'confirm', note: note.value.trim() }); });
    no.addEventListener('click', function () { add({ kind: 'copy', source: r[CA], other: r[CB], copying: 'reject', note: note.value.trim() }); });
    return el('span', { cls: 'actions' }, note, yes, no);
  });
  var clusters = $('clusters');
  D.clusters.forEach(function (g) { clusters.appendChild(el('li', { text: clip(g.join(', '), 1000) })); });

  $('reviewer').value = (function () { try { return window.localStorage.getItem('reconcile-reviewer') || ''; } catch (e) { return ''; } })();
  $('reviewer').addEventListener('change', function (e) { try { window.localStorage.setItem('reconcile-reviewer', e.target.value); } catch (x) { /* memory only */ } });
  $('clear-decisions').addEventListener('click', function () { save([]); renderDecisions(); });

  renderTriage();
  renderDecisions();
  show('triage');
