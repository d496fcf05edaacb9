/* report.html's only script (allowed by its SHA-256 in the page's Content-Security-Policy), in parts: js/*.js are
   joined in name order inside one strict-mode function by render.page_script.
   Data comes from the JSON block #report-data and is put into the page with textContent / DOM properties only,
   never innerHTML: no string from a feed can become markup or script. No network access of any kind.
   The per-verdict waterfall is drawn as DOM bars from the JSON (one <div> per vote) rather than pre-rendered
   SVG: thousands of interactive waterfalls as SVG files would not fit the page's size bound. */
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

