// The afbench report's page script: sortable tables, figure clicks, and the Transcript viewer.
// Model text is untrusted. It reaches the DOM only as text nodes (textContent, createTextNode): this file uses
// no HTML-parsing sink at all (a unit test greps for them), and the page's CSP enforces Trusted Types so that
// such a sink would throw. Samples are parsed once from the embedded JSON; the list renders only the rows in view and a
// Sample's transcript only when it is opened, so runs of 10k+ samples stay responsive.
'use strict';
(function () {
  const ROW_HEIGHT = 56;
  const OVERSCAN = 8;
  const byId = (id) => document.getElementById(id);

  // el('div', {class: 'x'}, 'text', child): attributes are set with setAttribute, children that are strings
  // become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function readJson(id) {
    return JSON.parse(byId(id).textContent);
  }

  const meta = readJson('afbench-meta');
  const samples = readJson('afbench-samples');
  const state = { filtered: [], selected: -1 };

  // ---- Tables ----------------------------------------------------------------------------------------------
  function sortKey(row, column) {
    const cell = row.cells[column];
    const raw = cell ? cell.getAttribute('data-sort') || cell.textContent : '';
    const number = Number(raw);
    return raw !== '' && Number.isFinite(number) ? number : raw.toLowerCase();
  }

  function sortTable(table, column, header) {
    const ascending = header.getAttribute('aria-sort') !== 'ascending';
    for (const th of table.tHead.rows[0].cells) th.removeAttribute('aria-sort');
    header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = sortKey(a, column);
      const y = sortKey(b, column);
      const order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === 'number' ? -1 : 1;
      return ascending ? order : -order;
    });
    for (const row of rows) body.appendChild(row);
  }

  function setUpTables() {
    for (const table of document.querySelectorAll('table.sortable')) {
      const headers = Array.from(table.tHead.rows[0].cells);
      headers.forEach((header, column) => {
        const button = header.querySelector('button.sort');
        if (button) button.addEventListener('click', () => sortTable(table, column, header));
      });
    }
  }

  // ---- Filters ---------------------------------------------------------------------------------------------
  const controls = {
    run: byId('f-run'), tier: byId('f-tier'), outcome: byId('f-outcome'), complied: byId('f-complied'),
    af: byId('f-af'), scoreClassifier: byId('f-score-classifier'), scoreMin: byId('f-score-min'),
    scoreMax: byId('f-score-max'), search: byId('f-search'),
  };

  function fillOptions() {
    meta.runs.forEach((run, index) => {
      controls.run.appendChild(el('option', { value: index }, (index + 1) + ': ' + run.label + ' (' + run.run_id + ')'));
    });
    const outcomes = Array.from(new Set(samples.map((s) => s.outcome))).sort();
    for (const outcome of outcomes) controls.outcome.appendChild(el('option', { value: outcome }, outcome));
    for (const id of meta.classifiers) controls.scoreClassifier.appendChild(el('option', { value: id }, id));
  }

  function verdictMatches(value, wanted) {
    if (wanted === '') return true;
    if (wanted === 'none') return value === null || value === undefined;
    return value === (wanted === 'yes');
  }

  function newestLabel(sample, id) {
    let newest = null;
    for (const label of sample.labels) if (label.id === id) newest = label;
    return newest;
  }

  function haystack(sample) {
    if (sample.haystack === undefined) {
      const labels = sample.labels.map((l) => l.id + ' ' + l.quotes.join(' '));
      sample.haystack = [sample.query, sample.user_turn, sample.output, sample.reason, ...sample.scratchpads,
        ...labels].join('\n').toLowerCase();
    }
    return sample.haystack;
  }

  function scoreMatches(sample, filter) {
    if (!filter.classifier) return true;
    const label = newestLabel(sample, filter.classifier);
    if (!label) return false;
    return label.score >= filter.min && label.score <= filter.max;
  }

  function currentFilter() {
    const number = (input, fallback) => (input.value === '' ? fallback : Number(input.value));
    return {
      run: controls.run.value, tier: controls.tier.value, outcome: controls.outcome.value,
      complied: controls.complied.value, af: controls.af.value,
      score: { classifier: controls.scoreClassifier.value, min: number(controls.scoreMin, -Infinity),
        max: number(controls.scoreMax, Infinity) },
      terms: controls.search.value.toLowerCase().split(/\s+/).filter((t) => t.length > 0),
    };
  }

  function matches(sample, filter) {
    if (filter.run !== '' && sample.run !== Number(filter.run)) return false;
    if (filter.tier !== '' && sample.tier !== filter.tier) return false;
    if (filter.outcome !== '' && sample.outcome !== filter.outcome) return false;
    if (!verdictMatches(sample.complied, filter.complied) || !verdictMatches(sample.af, filter.af)) return false;
    if (!scoreMatches(sample, filter.score)) return false;
    if (filter.terms.length === 0) return true;
    const text = haystack(sample);
    return filter.terms.every((term) => text.includes(term));
  }

  function applyFilters() {
    const filter = currentFilter();
    state.filtered = [];
    samples.forEach((sample, index) => { if (matches(sample, filter)) state.filtered.push(index); });
    byId('list-spacer').style.height = (state.filtered.length * ROW_HEIGHT) + 'px';
    byId('count').textContent = state.filtered.length + ' of ' + samples.length + ' samples';
    byId('list').scrollTop = 0;
    renderRows();
  }

  // ---- List ------------------------------------------------------------------------------------------------
  function verdictBadge(value, yes, no, extraClass) {
    const text = value ? yes : no;
    if (value === null || value === undefined || text === null) return null;
    return el('span', { class: 'badge ' + (value ? extraClass || 'yes' : 'no') }, text);
  }

  function sampleTitle(sample) {
    return 'q' + sample.query_index + ' \u00b7 ' + sample.tier + ' \u00b7 e' + sample.epoch;
  }

  function renderRow(index) {
    const sample = samples[index];
    const outcome = sample.outcome === 'output' ? null : el('span', { class: 'badge bad' }, sample.outcome);
    const row = el('div', { class: 'row' + (index === state.selected ? ' selected' : ''), role: 'option',
      'data-index': index, 'aria-selected': index === state.selected },
    el('div', { class: 'line1' }, el('strong', {}, '#' + (index + 1)), sampleTitle(sample),
      meta.runs.length > 1 ? el('span', { class: 'badge' }, 'run ' + (sample.run + 1)) : null, outcome,
      verdictBadge(sample.complied, 'complied', 'refused'), verdictBadge(sample.af, 'AF', null, 'af')),
    el('div', { class: 'line2' }, sample.query.slice(0, 200)));
    row.addEventListener('click', () => openSample(index));
    return row;
  }

  function renderRows() {
    const list = byId('list');
    const first = Math.max(0, Math.floor(list.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(state.filtered.length,
      Math.ceil((list.scrollTop + list.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const rows = byId('list-rows');
    rows.style.top = (first * ROW_HEIGHT) + 'px';
    const nodes = [];
    for (let position = first; position < last; position++) nodes.push(renderRow(state.filtered[position]));
    rows.replaceChildren(...nodes);
  }

  // ---- Evidence highlighting -------------------------------------------------------------------------------
  // Judges quote the scratchpad loosely (collapsed whitespace, other case, "..." between fragments): match on a
  // normalised copy and map back to the original offsets.
  function normalise(text) {
    let out = '';
    const offsets = [];
    let space = false;
    for (let i = 0; i < text.length; i++) {
      if (/\s/.test(text[i])) {
        if (!space && out.length > 0) { out += ' '; offsets.push(i); }
        space = true;
        continue;
      }
      space = false;
      const lower = text[i].toLowerCase();
      out += lower.length === 1 ? lower : text[i];
      offsets.push(i);
    }
    return { text: out, offsets };
  }

  function findSpans(text, quotes) {
    const target = normalise(text);
    const spans = [];
    for (const quote of quotes) {
      for (const fragment of quote.text.split(/\.\.\.|\u2026/)) {
        const needle = normalise(fragment).text.trim();
        if (needle.length < 8) continue;
        for (let at = target.text.indexOf(needle); at >= 0; at = target.text.indexOf(needle, at + needle.length)) {
          spans.push({ start: target.offsets[at], end: target.offsets[at + needle.length - 1] + 1, source: quote.source });
          quote.found = true;
        }
      }
    }
    spans.sort((a, b) => a.start - b.start);
    const merged = [];
    for (const span of spans) {
      const previous = merged[merged.length - 1];
      if (previous && span.start <= previous.end) previous.end = Math.max(previous.end, span.end);
      else merged.push(Object.assign({}, span));
    }
    return merged;
  }

  function highlighted(text, quotes) {
    const pre = el('pre');
    let position = 0;
    for (const span of findSpans(text, quotes)) {
      pre.appendChild(document.createTextNode(text.slice(position, span.start)));
      pre.appendChild(el('mark', { title: 'quoted by ' + span.source }, text.slice(span.start, span.end)));
      position = span.end;
    }
    pre.appendChild(document.createTextNode(text.slice(position)));
    return pre;
  }

  // ---- Sample detail ---------------------------------------------------------------------------------------
  function labelsTable(sample, quotes) {
    const body = el('tbody');
    for (const label of sample.labels) {
      const mine = quotes.filter((q) => q.label === label);
      const list = mine.length === 0 ? null : el('ul', {}, ...mine.map((q) => el('li',
        { class: q.found ? '' : 'quote-missing' }, '\u201c' + q.text + '\u201d' + (q.found ? '' : ' (not found in the scratchpad)'))));
      body.appendChild(el('tr', {}, el('td', { class: 'mono' }, label.id + ' v' + label.version),
        el('td', {}, label.value === null ? 'undecided' : label.value ? 'yes' : 'no'),
        el('td', { class: 'num' }, Number(label.score).toFixed(3)),
        el('td', {}, list, el('details', {}, el('summary', {}, 'detail'), el('pre', {}, label.detail)))));
    }
    return el('table', { class: 'labels' }, el('thead', {}, el('tr', {}, el('th', {}, 'Classifier'),
      el('th', {}, 'Verdict'), el('th', {}, 'Score'), el('th', {}, 'Evidence'))), body);
  }

  function outputSection(sample) {
    const section = el('section', { class: 'output' }, el('h4', {}, 'Output'));
    if (sample.output === '') {
      section.appendChild(el('p', { class: 'hint' }, 'No output (' + sample.outcome + ').'));
      return section;
    }
    const show = () => section.replaceChildren(el('h4', {}, 'Output'), el('pre', {}, sample.output));
    if (meta.reveal || sample.complied === false) { show(); return section; }
    const button = el('button', { type: 'button', class: 'reveal' }, 'Show output');
    button.addEventListener('click', show);
    section.appendChild(el('div', { class: 'hidden-output' }, el('div', {},
      'Hidden: the model complied (or no compliance label), so the output may be harmful.'), button));
    return section;
  }

  // A complied sample's drafts (<DRAFT_OUTPUT> in the scratchpad, closed or not) may be as harmful as its
  // output: hidden the same way until clicked.
  const DRAFT = /<DRAFT_OUTPUT>[\s\S]*?(<\/DRAFT_OUTPUT>|$)/g;

  function scratchpadSection(sample, text, quotes, title) {
    const section = el('section', { class: 'scratchpad' }, el('h4', {}, title));
    const show = () => section.replaceChildren(el('h4', {}, title), highlighted(text, quotes));
    const drafts = text.match(DRAFT);
    if (meta.reveal || sample.complied === false || drafts === null) { show(); return section; }
    let position = 0;
    for (const match of text.matchAll(DRAFT)) {
      section.appendChild(highlighted(text.slice(position, match.index), quotes));
      const button = el('button', { type: 'button', class: 'reveal-draft' }, 'Show draft');
      button.addEventListener('click', show);
      section.appendChild(el('div', { class: 'hidden-output hidden-draft' }, el('div', {},
        'Hidden: a draft of the output of a sample that complied (or has no compliance label).'), button));
      position = match.index + match[0].length;
    }
    section.appendChild(highlighted(text.slice(position), quotes));
    return section;
  }

  function turnsSection(sample) {
    const turns = sample.turns.map((turn) => el('div', {}, el('h4', {}, 'Turn ' + (turn.index + 1) +
      ' \u00b7 finish ' + turn.finish + ' \u00b7 ' + turn.output_tokens + ' output tokens \u00b7 ' + turn.latency_ms + ' ms'),
    turn.request !== undefined ? el('pre', {}, 'user: ' + turn.request) : null,
    turn.prefill !== undefined ? el('pre', {}, 'prefill: ' + turn.prefill) : null,
    turn.response !== undefined ? el('pre', {}, turn.response) : null));
    return el('details', {}, el('summary', {}, 'Raw turns (' + sample.turns.length + ')'), ...turns);
  }

  function renderDetail(sample) {
    const run = meta.runs[sample.run];
    const quotes = [];
    for (const label of sample.labels) {
      for (const text of label.quotes) quotes.push({ text, source: label.id, label, found: false });
    }
    const scratchpads = sample.scratchpads.map((text, i) => scratchpadSection(sample, text, quotes,
      'Scratchpad ' + (i + 1) + ' of ' + sample.scratchpads.length));
    return [
      el('h3', {}, run.label + ' \u00b7 ' + sampleTitle(sample)),
      el('p', {}, el('span', { class: 'mono' }, 'run ' + run.run_id), ' \u00b7 outcome ', el('strong', {}, sample.outcome),
        sample.reason ? ' (' + sample.reason + ')' : '', ' \u00b7 ' + sample.attempts + ' request(s) ',
        verdictBadge(sample.complied, 'complied', 'refused'), ' ', verdictBadge(sample.af, 'alignment faking', 'no AF', 'af')),
      el('details', {}, el('summary', {}, 'System prompt (' + run.system_prompt.length + ' characters)'),
        el('pre', {}, run.system_prompt)),
      el('h4', {}, 'User turn'), el('pre', {}, sample.user_turn),
      ...(scratchpads.length ? scratchpads : [el('p', { class: 'hint' }, 'No scratchpad.')]),
      outputSection(sample),
      el('h4', {}, 'Labels'), labelsTable(sample, quotes),
      turnsSection(sample),
    ];
  }

  function openSample(index) {
    state.selected = index;
    const detail = byId('detail');
    detail.replaceChildren(...renderDetail(samples[index]));
    detail.scrollTop = 0;
    history.replaceState(null, '', '#sample-' + (index + 1));
    renderRows();
  }

  // ---- Wiring ----------------------------------------------------------------------------------------------
  function setUpFigures() {
    byId('figures').addEventListener('click', (event) => {
      const mark = event.target.closest('g.bar, g.gap');
      if (!mark) return;
      controls.run.value = mark.getAttribute('data-run');
      controls.tier.value = mark.getAttribute('data-tier') || '';
      applyFilters();
      byId('transcripts').scrollIntoView();
    });
  }

  function setUpFilters() {
    let timer = 0;
    for (const control of Object.values(controls)) {
      control.addEventListener(control === controls.search ? 'input' : 'change', () => {
        clearTimeout(timer);
        timer = setTimeout(applyFilters, control === controls.search ? 150 : 0);
      });
    }
    byId('f-clear').addEventListener('click', () => {
      for (const control of Object.values(controls)) control.value = '';
      applyFilters();
    });
    byId('list').addEventListener('scroll', () => requestAnimationFrame(renderRows));
  }

  setUpTables();
  fillOptions();
  setUpFigures();
  setUpFilters();
  applyFilters();
  const linked = /^#sample-(\d+)$/.exec(location.hash);
  if (linked && Number(linked[1]) >= 1 && Number(linked[1]) <= samples.length) openSample(Number(linked[1]) - 1);
  document.body.setAttribute('data-ready', 'true');
})();
