  /* ---------------------------------------------------------------- tabs */
  var tabs = document.querySelectorAll('nav button[data-tab]');
  function show(name) {
    tabs.forEach(function (b) { b.setAttribute('aria-selected', String(b.dataset.tab === name)); });
    document.querySelectorAll('main > section').forEach(function (s) { s.hidden = s.id !== 'tab-' + name; });
  }
  tabs.forEach(function (b) { b.addEventListener('click', function () { show(b.dataset.tab); }); });

  /* ---------------------------------------------------------------- triage */
  var C = D.contradictions, COL = {};
  C.columns.forEach(function (c, i) { COL[c] = i; });
  var NUMERIC = { verdict_confidence: 1, runner_up_confidence: 1, margin: 1, severity: 1 };
  var SHOWN = ['subject', 'attribute', 'kind', 'status', 'verdict_value', 'verdict_confidence', 'runner_up',
               'runner_up_confidence', 'margin', 'severity', 'source', 'losing_sources'];
  var state = { kind: '', status: '', attribute: '', source: '', subject: '', q: '', sort: null, dir: 1, page: 0,
                size: 50 };
  var selected = null;

  function fillSelect(select, values) {
    values.forEach(function (v) { select.appendChild(el('option', { value: v, text: v })); });
  }
  function distinct(col) {
    var seen = {};
    C.rows.forEach(function (r) { seen[r[COL[col]]] = 1; });
    return Object.keys(seen).sort();
  }
  fillSelect($('filter-kind'), distinct('kind'));
  fillSelect($('filter-status'), distinct('status'));
  fillSelect($('filter-attribute'), distinct('attribute'));

  function matches(r) {
    if (state.kind && r[COL.kind] !== state.kind) { return false; }
    if (state.status && r[COL.status] !== state.status) { return false; }
    if (state.attribute && r[COL.attribute] !== state.attribute) { return false; }
    if (state.subject) {
      var s = state.subject.toLowerCase();
      if (r[COL.subject].toLowerCase().indexOf(s) < 0 && r[COL.label].toLowerCase().indexOf(s) < 0) { return false; }
    }
    if (state.source) {
      var src = state.source.toLowerCase();
      var names = (r[COL.losing_sources] ? r[COL.losing_sources].split(',') : []).concat([r[COL.source]]);
      if (!names.some(function (n) { return n.toLowerCase() === src; })) { return false; }
    }
    if (state.q) {
      var q = state.q.toLowerCase();
      if (!r.some(function (v) { return typeof v === 'string' && v.toLowerCase().indexOf(q) >= 0; })) { return false; }
    }
    return true;
  }
  function visibleRows() {
    var rows = C.rows.filter(matches);
    if (state.sort) {
      var i = COL[state.sort], dir = state.dir, num = NUMERIC[state.sort];
      rows = rows.map(function (r, k) { return [r, k]; }).sort(function (a, b) {
        var x = a[0][i], y = b[0][i];
        var c = num ? ((x === null ? -Infinity : x) - (y === null ? -Infinity : y)) : String(x).localeCompare(String(y));
        return c !== 0 ? c * dir : a[1] - b[1];
      }).map(function (p) { return p[0]; });
    }
    return rows;
  }
  function renderCounts(rows) {
    var byKind = {}, byStatus = {};
    rows.forEach(function (r) {
      byKind[r[COL.kind]] = (byKind[r[COL.kind]] || 0) + 1;
      byStatus[r[COL.status]] = (byStatus[r[COL.status]] || 0) + 1;
    });
    var box = $('triage-counts');
    box.replaceChildren();
    Object.keys(byKind).sort().forEach(function (k) { box.appendChild(el('span', { cls: 'chip', text: k + ' ' + byKind[k] })); });
    Object.keys(byStatus).sort().forEach(function (k) {
      box.appendChild(el('span', { cls: 'chip status', text: (k || '(none)') + ' ' + byStatus[k] }));
    });
  }
  function renderTriage() {
    var rows = visibleRows(), body = $('triage-body');
    var pages = Math.max(1, Math.ceil(rows.length / state.size));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * state.size, part = rows.slice(start, start + state.size);
    body.replaceChildren();
    part.forEach(function (r) {
      var tr = el('tr', { cls: 'pick', data: { id: r[COL.id] } });
      if (selected === r[COL.id]) { tr.classList.add('selected'); }
      SHOWN.forEach(function (c) {
        var v = r[COL[c]];
        if (c === 'subject' && r[COL.label]) { v = r[COL.label] + ' (' + v + ')'; }
        var td = el('td', { cls: NUMERIC[c] ? 'num' : '', text: NUMERIC[c] ? fmt(v) : clip(v, 160), data: { col: c } });
        tr.appendChild(td);
      });
      tr.tabIndex = 0;  // reachable from the keyboard: Tab to a row, Enter to open it
      function open() { selected = r[COL.id]; showDetail(r); renderTriage(); }
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', function (e) { if (e.key === 'Enter') { open(); } });
      body.appendChild(tr);
    });
    $('triage-table').dataset.filtered = String(rows.length);
    $('page-info').textContent = 'rows ' + (rows.length ? start + 1 : 0) + '–' + (start + part.length) + ' of ' +
      rows.length + (rows.length !== C.rows.length ? ' (filtered from ' + C.rows.length + ')' : '');
    $('page-prev').disabled = state.page === 0;
    $('page-next').disabled = state.page >= pages - 1;
    document.querySelectorAll('#triage-table th[data-col]').forEach(function (th) {
      th.dataset.sort = th.dataset.col === state.sort ? String(state.dir) : '';
    });
    renderCounts(rows);
  }
  ['kind', 'status', 'attribute'].forEach(function (f) {
    $('filter-' + f).addEventListener('change', function (e) { state[f] = e.target.value; state.page = 0; renderTriage(); });
  });
  ['source', 'subject'].forEach(function (f) {
    $('filter-' + f).addEventListener('input', function (e) { state[f] = e.target.value.trim(); state.page = 0; renderTriage(); });
  });
  $('search').addEventListener('input', function (e) { state.q = e.target.value; state.page = 0; renderTriage(); });
  $('page-size').addEventListener('change', function (e) { state.size = Number(e.target.value); state.page = 0; renderTriage(); });
  $('page-prev').addEventListener('click', function () { state.page -= 1; renderTriage(); });
  $('page-next').addEventListener('click', function () { state.page += 1; renderTriage(); });
  var head = $('triage-head');
  SHOWN.forEach(function (c) {
    var th = el('th', { cls: NUMERIC[c] ? 'num' : '', text: c.replace(/_/g, ' '), data: { col: c } });
    th.addEventListener('click', function () {
      if (state.sort === c) { state.dir = -state.dir; } else { state.sort = c; state.dir = NUMERIC[c] ? -1 : 1; }
      renderTriage();
    });
    head.appendChild(th);
  });

