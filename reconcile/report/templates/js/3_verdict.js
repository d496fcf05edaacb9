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
      // a member: [source, vote, reliability, weight, recency, copy discount]; several members = a copy cluster
      var members = el('div', { cls: 'wf-members' });
      b.members.forEach(function (m) {
        members.appendChild(el('div', { text: clip(m[0], 200) + ': reliability ' + fmt(m[2]) + ' × weight ' +
          fmt(m[3], 2) + ' × recency ' + fmt(m[4], 2) + ' × copy discount ' + fmt(m[5], 2) + ' → vote ' + fmt(m[1]) }));
      });
      var cluster = b.members.length > 1;
      var bar = row(cluster ? b.label : b.members[0][0], run, run + b.vote, (b.vote < 0 ? 'neg ' : '') +
                    (cluster ? 'cluster' : ''), b.vote, members);
      bar.classList.add('vote');
      run += b.vote;
    });
    var t = row('score of “' + clip(value.value, 200) + '”', 0, run, 'total', value.score);
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
      if (q.quote_chars) {
        list.appendChild(el('p', { cls: 'muted', text: 'The quote is cut at ' + q.quote.length + ' of its ' + q.quote_chars +
          ' characters here; claims.parquet holds it whole.' }));
      }
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

