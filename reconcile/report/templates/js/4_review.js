  /* ---------------------------------------------------------------- review actions */
  function reviewer() { return $('reviewer').value.trim(); }
  function add(decision) {
    if (!reviewer()) { $('review-msg').textContent = 'Enter your name (reviewer) first.'; $('reviewer').focus(); return false; }
    if (!decision.note) { $('review-msg').textContent = 'A note (why) is required.'; return false; }
    if (decision.kind === 'pin' && !(decision.reliability >= 0 && decision.reliability <= 1)) {
      $('review-msg').textContent = 'A pinned reliability is a number from 0 to 1.'; return false;
    }
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

