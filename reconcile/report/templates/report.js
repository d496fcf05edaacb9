/* report.html's only script (allowed by its SHA-256 in the page's Content-Security-Policy).
   Data comes from the JSON block #report-data and is put into the page with textContent / DOM properties only,
   never innerHTML: no string from a feed can become markup or script. No network access of any kind.
   The per-verdict waterfall is drawn as DOM bars from the JSON (one <div> per vote) rather than pre-rendered
   SVG: thousands of interactive waterfalls as SVG files would not fit the page's size bound. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var STORE = 'reconcile-decisions:' + D.meta.run_key;

  function $(id) { return document.getElementById(id); }
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === 'text') { node.textContent = props[k]; }
        else if (k === 'cls') { node.className = props[k]; }
        else if (k === 'data') { Object.keys(props.data).forEach(function (d) { node.dataset[d] = props.data[d]; }); }
        else { node[k] = props[k]; }
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) { continue; }
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }
  function fmt(x, d) { return (x === null || x === undefined || x === '') ? '' : Number(x).toFixed(d === undefined ? 3 : d); }
  function clip(s, n) {
    // very long values (a 1 MB string) are cut in tables: laying out megabytes of unbroken text would
    // freeze the page; the full text is one click away in the verdict panel, and in the CSVs
    s = String(s);
    return s.length > n ? s.slice(0, n) + ' … (' + s.length + ' characters)' : s;
  }
  function longText(tag, s, n) {
    var node = el(tag, { text: clip(s, n) });
    if (String(s).length <= n) { return node; }
    var more = el('button', { cls: 'act show-all', text: 'show all ' + String(s).length + ' characters' });
    more.addEventListener('click', function () { node.textContent = s; node.classList.add('full'); more.remove(); });
    return el('div', {}, node, more);
  }
  function safeUrl(url) {
    // links only to http(s); anything else (javascript:, data:, vbscript:) stays plain text
    try { var u = new URL(url); return (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null; }
    catch (e) { return null; }
  }
  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || '[]'); } catch (e) { return []; }
  }
  function save(list) {
    try { window.localStorage.setItem(STORE, JSON.stringify(list)); } catch (e) { /* storage off: memory only */ }
  }

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
      tr.addEventListener('click', function () { selected = r[COL.id]; showDetail(r); renderTriage(); });
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

  /* ---------------------------------------------------------------- one verdict explained */
  function waterfall(value) {
    // bars run from the running total before a vote to the total after it; the last bar is the score
    var box = el('div', { cls: 'wf' }), total = 0, lo = 0, hi = 0;
    value.bars.forEach(function (b) { total += b.vote; lo = Math.min(lo, total); hi = Math.max(hi, total); });
    var span = (hi - lo) || 1, run = 0;
    function row(label, from, to, cls, vote, extra) {
      var bar = el('div', { cls: 'wf-bar ' + cls, data: { vote: String(vote) } });
      bar.style.left = (100 * (Math.min(from, to) - lo) / span) + '%';
      bar.style.width = Math.max(0.4, 100 * Math.abs(to - from) / span) + '%';
      var r = el('div', { cls: 'wf-row' }, el('div', { cls: 'wf-label', text: clip(label, 200) }),
                 el('div', { cls: 'wf-track' }, bar), el('div', { cls: 'wf-val', text: (vote >= 0 ? '+' : '') + fmt(vote) }));
      box.appendChild(r);
      if (extra) { box.appendChild(extra); }
      return bar;
    }
    value.bars.forEach(function (b) {
      var members = el('div', { cls: 'wf-members' });
      b.members.forEach(function (m) {
        members.appendChild(el('div', { text: clip(m.source, 200) + ': reliability ' + fmt(m.reliability) + ' × weight ' +
          fmt(m.weight, 2) + ' × recency ' + fmt(m.recency, 2) + ' × copy discount ' + fmt(m.copy_discount, 2) +
          ' → vote ' + fmt(m.vote) }));
      });
      var bar = row(b.label, run, run + b.vote, (b.vote < 0 ? 'neg ' : '') + (b.cluster ? 'cluster' : ''), b.vote, members);
      bar.classList.add('vote');
      run += b.vote;
    });
    var t = row('score of “' + value.value + '”', 0, run, 'total', value.score);
    t.id = 'wf-total';
    t.dataset.score = String(value.score);
    return box;
  }
  function quotes(value) {
    var list = el('div');
    value.quotes.forEach(function (q) {
      var who = q.source + (q.speaker ? ', ' + q.speaker + (q.role ? ' (' + q.role + ')' : '') : '') +
                (q.published_at ? ', ' + q.published_at : '');
      var line = el('div', { cls: 'quote-head' }, el('strong', { text: clip(who, 500) }));
      if (q.url) {
        var href = safeUrl(q.url);
        line.appendChild(document.createTextNode(' — '));
        line.appendChild(href ? el('a', { href: href, text: clip(q.url, 300), rel: 'noopener noreferrer', target: '_blank' })
                              : el('span', { cls: 'muted', text: clip(q.url, 300) + ' (not a web link)' }));
      }
      list.appendChild(line);
      if (q.quote) { list.appendChild(longText('blockquote', q.quote, 2000)); }
    });
    if (value.more_quotes) { list.appendChild(el('p', { cls: 'muted', text: value.more_quotes + ' more claim(s) in claims.parquet' })); }
    return list;
  }
  function showDetail(r) {
    var key = r[COL.subject] + '\u001f' + r[COL.attribute], d = D.details[key], box = $('detail');
    box.replaceChildren();
    box.hidden = false;
    var title = (r[COL.label] ? r[COL.label] + ' — ' : '') + r[COL.subject] + ' / ' + r[COL.attribute];
    box.appendChild(longText('h3', title, 500));
    box.appendChild(longText('p', 'Contradiction ' + r[COL.id] + ' (' + r[COL.kind] + '): ' + r[COL.competing_values], 2000));
    reviewContradiction(box, r);
    if (!d) {
      box.appendChild(el('p', { cls: 'note', text: 'The claims of this verdict are not embedded (the page keeps ' +
        'its size bounded). Run: reconcile explain OUT ' + JSON.stringify(r[COL.subject]) + ' ' + JSON.stringify(r[COL.attribute]) }));
      return;
    }
    box.appendChild(el('p', {}, 'Verdict: ', el('strong', { text: clip(d.chosen.join('; '), 500) }),
      ' — confidence ' + d.confidence.map(function (x) { return fmt(x); }).join('; ') + ', status ' + d.status.join('; ') +
      '. Runner-up: ' + (d.runner_up ? d.runner_up + ' (' + fmt(d.runner_up_confidence) + ')' : 'none') + '.'));
    if (d.time_modelled) {
      box.appendChild(el('p', { cls: 'muted', text: 'Time-modelled: the confidence is the probability of the state ' +
        'at as-of from the timeline model; the chart and table give each interval of timeline.csv with the ' +
        'probability of its state over the interval; the votes below are the evidence the model weighs.' }));
      if (d.timeline_chart && d.timeline_chart.indexOf('data:image/svg+xml;base64,') === 0) {
        box.appendChild(el('img', { src: d.timeline_chart, alt: 'timeline of ' + title, cls: 'timeline' }));
      }
      if (d.timeline && d.timeline.length) {
        var tt = el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'from' }), el('th', { text: 'to' }),
          el('th', { text: 'state' }), el('th', { cls: 'num', text: 'probability' }))));
        var tb = el('tbody');
        d.timeline.forEach(function (s) {
          tb.appendChild(el('tr', {}, el('td', { text: s[0] }), el('td', { text: s[1] }), el('td', { text: s[2] }),
            el('td', { cls: 'num', text: fmt(s[3]) })));
        });
        tt.appendChild(tb);
        box.appendChild(tt);
      }
    }
    var pick = el('select', { id: 'wf-value' });
    d.values.forEach(function (v, i) {
      pick.appendChild(el('option', { value: String(i), text: clip(v.value, 100) + (v.chosen ? ' (chosen)' : '') + ' — posterior ' + fmt(v.posterior) }));
    });
    var area = el('div', { id: 'wf-area' });
    function draw() {
      var v = d.values[Number(pick.value)];
      area.replaceChildren(el('p', { cls: 'muted', text: 'Votes for “' + v.value + '”: each = weight × recency × copy ' +
        'discount × ln(n·r/(1−r)) with r the source\'s learned reliability; copy clusters are one bar.' }),
        waterfall(v), el('h3', { text: 'Quotes' }), quotes(v));
    }
    pick.addEventListener('change', draw);
    box.appendChild(el('label', {}, 'Value: ', pick));
    box.appendChild(area);
    draw();
    reviewOverride(box, d);
  }

  /* ---------------------------------------------------------------- review actions */
  function reviewer() { return $('reviewer').value.trim(); }
  function add(decision) {
    if (!reviewer()) { $('review-msg').textContent = 'Enter your name (reviewer) first.'; $('reviewer').focus(); return false; }
    if (!decision.note) { $('review-msg').textContent = 'A note (why) is required.'; return false; }
    decision.by = reviewer();
    decision.at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    var list = load();
    list.push(decision);
    save(list);
    $('review-msg').textContent = 'Recorded: ' + decision.kind + '.';
    renderDecisions();
    return true;
  }
  function noteInput() { return el('input', { type: 'text', placeholder: 'note (why)', size: 30 }); }
  function reviewContradiction(box, r) {
    var note = noteInput();
    var resolve = el('button', { cls: 'act', id: 'act-resolve', text: 'Mark resolved' });
    var dismiss = el('button', { cls: 'act', id: 'act-dismiss', text: 'Dismiss' });
    resolve.addEventListener('click', function () { add({ kind: 'resolve', contradiction: r[COL.id], note: note.value.trim() }); });
    dismiss.addEventListener('click', function () { add({ kind: 'dismiss', contradiction: r[COL.id], note: note.value.trim() }); });
    box.appendChild(el('div', { cls: 'actions' }, note, resolve, dismiss));
  }
  function reviewOverride(box, d) {
    var values = el('select', { id: 'override-value' });
    d.values.forEach(function (v) { values.appendChild(el('option', { value: v.value, text: clip(v.value, 100) })); });
    var note = noteInput(), go = el('button', { cls: 'act', id: 'act-override', text: 'Override verdict' });
    go.addEventListener('click', function () {
      add({ kind: 'override', subject: d.subject, attribute: d.attribute, value: values.value, note: note.value.trim() });
    });
    box.appendChild(el('h3', { text: 'Override' }));
    box.appendChild(el('div', { cls: 'actions' }, values, note, go));
  }
  function yamlString(s) {
    // a YAML double-quoted scalar: only printable characters raw, everything else as \uXXXX
    var out = '"';
    for (var ch of String(s)) {
      var c = ch.codePointAt(0);
      if (ch === '"' || ch === '\\') { out += '\\' + ch; }
      else if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c > 0xffff) { out += ch; }
      else { out += '\\u' + ('0000' + c.toString(16)).slice(-4); }
    }
    return out + '"';
  }
  var FIELDS = ['kind', 'subject', 'attribute', 'value', 'contradiction', 'source', 'other', 'reliability', 'copying',
                'by', 'note', 'at', 'until'];
  function toYaml(list) {
    var lines = ['# analyst decisions exported from report.html (format: docs/decisions.md)', 'version: 1'];
    if (!list.length) { lines.push('decisions: []'); }
    else { lines.push('decisions:'); }
    list.forEach(function (d) {
      var first = true;
      FIELDS.forEach(function (f) {
        if (d[f] === undefined || d[f] === null || d[f] === '') { return; }
        var v = typeof d[f] === 'number' ? String(d[f]) : yamlString(d[f]);
        lines.push((first ? '  - ' : '    ') + f + ': ' + v);
        first = false;
      });
    });
    return lines.join('\n') + '\n';
  }
  var blobUrl = null;
  function renderDecisions() {
    var list = load(), body = $('decisions-body');
    body.replaceChildren();
    list.forEach(function (d, i) {
      var what = d.contradiction || [d.subject, d.attribute, d.value, d.source, d.reliability].filter(function (x) {
        return x !== undefined && x !== ''; }).join(' / ');
      var rm = el('button', { cls: 'act', text: 'remove' });
      rm.addEventListener('click', function () { var l = load(); l.splice(i, 1); save(l); renderDecisions(); });
      body.appendChild(el('tr', {}, el('td', { text: d.kind }), el('td', { text: clip(what, 300) }), el('td', { text: clip(d.by, 100) }),
        el('td', { text: clip(d.note, 300) }), el('td', { text: d.at }), el('td', {}, rm)));
    });
    $('decision-count').textContent = String(list.length);
    var text = toYaml(list);
    $('export-text').value = text;
    if (blobUrl) { URL.revokeObjectURL(blobUrl); }
    blobUrl = URL.createObjectURL(new Blob([text], { type: 'application/x-yaml' }));
    $('export-link').href = blobUrl;
  }

  /* ---------------------------------------------------------------- sources and copies */
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
        r.forEach(function (v, i) { row.appendChild(el('td', { cls: numeric(i) ? 'num' : '', text: numeric(i) ? fmt(v) : clip(v, 300) })); });
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
})();
