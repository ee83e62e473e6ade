// The search page: calls /search (one mode) or /compare (dense, sparse and hybrid side by side)
// and renders the hits. Document text only ever goes into the page as text nodes, never as HTML.
'use strict';

const form = document.getElementById('search-form');
const queryBox = document.getElementById('q');
const topK = document.getElementById('top-k');
const rerank = document.getElementById('rerank');
const statusLine = document.getElementById('status');
const results = document.getElementById('results');
const MODES = ['dense', 'sparse', 'hybrid'];
const SCORE_KINDS = ['fused', 'dense', 'sparse', 'rerank'];
// Answers to earlier searches that arrive after a later one started are dropped.
let latest = 0;

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function selectedMode() {
  return form.querySelector('input[name="mode"]:checked').value;
}

async function getJson(path, params) {
  const response = await fetch(path + '?' + new URLSearchParams(params));
  let body;
  try {
    body = await response.json();
  } catch (e) {
    body = {};
  }
  if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
  return body;
}

// The snippet with each highlight span in a <mark>.
function snippet(s) {
  const p = el('p', 'snippet');
  let last = 0;
  for (const [start, end] of s.highlights) {
    p.append(document.createTextNode(s.text.slice(last, start)), el('mark', '', s.text.slice(start, end)));
    last = end;
  }
  p.append(document.createTextNode(s.text.slice(last)));
  return p;
}

function scores(hit) {
  const box = el('div', 'scores');
  for (const kind of SCORE_KINDS) {
    if (hit.scores[kind] !== undefined) {
      const chip = el('span', 'score ' + kind);
      chip.append(el('span', 'kind', kind), el('span', 'value', hit.scores[kind].toFixed(4)));
      box.append(chip);
    }
  }
  return box;
}

// elsewhere: the document's rank in the other modes' lists (compare view only).
function hitItem(hit, elsewhere) {
  const li = el('li', 'hit');
  li.dataset.docId = hit.doc_id;
  const head = el('div', 'hit-head');
  head.append(el('span', 'rank', String(hit.rank)), el('span', 'title', hit.title || hit.doc_id));
  const meta = el('div', 'meta', hit.doc_id + ' · chunk ' + hit.chunk);
  li.append(head, meta, snippet(hit.snippet), scores(hit));
  if (elsewhere) {
    const ranks = el('div', 'elsewhere');
    for (const [mode, rank] of elsewhere) {
      ranks.append(el('span', rank ? 'found' : 'missing', mode + ' ' + (rank ? '#' + rank : '–')));
    }
    li.append(ranks);
  }
  return li;
}

function timings(answer) {
  const t = answer.timings_ms;
  return answer.hits.length + ' hits · encode ' + t.encode + ' ms · search ' + t.search +
      ' ms · rerank ' + t.rerank + ' ms';
}

function renderList(answer) {
  const list = el('ol', 'hits');
  for (const hit of answer.hits) list.append(hitItem(hit));
  if (answer.hits.length === 0) results.append(el('p', 'empty', 'No hits.'));
  results.append(list);
  statusLine.textContent = answer.mode + (answer.rerank ? ', reranked' : '') + ': ' + timings(answer);
}

function renderCompare(answer) {
  const ranks = {};
  for (const mode of MODES) {
    ranks[mode] = new Map(answer[mode].hits.map((h) => [h.doc_id, h.rank]));
  }
  const grid = el('div', 'compare');
  for (const mode of MODES) {
    const column = el('div', 'column');
    column.dataset.mode = mode;
    const head = el('div', 'column-head');
    head.append(el('h2', '', mode), el('span', 'timing', timings(answer[mode])));
    const list = el('ol', 'hits compact');
    for (const hit of answer[mode].hits) {
      const others = MODES.filter((m) => m !== mode).map((m) => [m, ranks[m].get(hit.doc_id)]);
      list.append(hitItem(hit, others));
    }
    column.append(head, list);
    grid.append(column);
  }
  results.append(grid);
  statusLine.textContent = 'dense | sparse | hybrid for the same query';
}

// Hovering a hit in the compare view marks the same document in every column.
results.addEventListener('mouseover', (event) => {
  const hit = event.target.closest('.compare .hit');
  for (const linked of results.querySelectorAll('.hit.linked')) linked.classList.remove('linked');
  if (!hit) return;
  for (const same of results.querySelectorAll('.hit')) {
    if (same.dataset.docId === hit.dataset.docId) same.classList.add('linked');
  }
});

async function search() {
  const q = queryBox.value.trim();
  if (!q) return;
  const mode = selectedMode();
  const params = {q: q, top_k: topK.value, rerank: String(rerank.checked)};
  history.replaceState(null, '', '?' + new URLSearchParams({...params, mode: mode}));
  const id = ++latest;
  results.dataset.state = 'loading';
  statusLine.textContent = 'Searching…';
  try {
    const answer = mode === 'compare'
        ? await getJson('compare', params)
        : await getJson('search', {...params, mode: mode});
    if (id !== latest) return;
    results.replaceChildren();
    (mode === 'compare' ? renderCompare : renderList)(answer);
    results.dataset.view = mode;
    results.dataset.state = 'done';
  } catch (e) {
    if (id !== latest) return;
    results.replaceChildren(el('p', 'error', e.message));
    statusLine.textContent = '';
    results.dataset.view = mode;
    results.dataset.state = 'error';
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  search();
});
for (const radio of form.querySelectorAll('input[name="mode"]')) radio.addEventListener('change', search);
rerank.addEventListener('change', search);

async function start() {
  const url = new URLSearchParams(location.search);
  try {
    const health = await getJson('health', {});
    document.getElementById('collection').textContent = 'collection ' + health.collection;
    topK.value = health.defaults.top_k;
    rerank.checked = health.defaults.rerank && health.rerank_model;
    if (!health.rerank_model) {
      rerank.disabled = true;
      document.getElementById('rerank-option').title = 'Start bin/fhs serve with -D model.rerank=DIR';
    }
    const mode = form.querySelector('input[value="' + health.defaults.mode + '"]');
    if (mode) mode.checked = true;
  } catch (e) {
    statusLine.textContent = 'The server does not answer: ' + e.message;
  }
  if (url.get('top_k')) topK.value = url.get('top_k');
  if (url.get('rerank')) rerank.checked = url.get('rerank') === 'true' && !rerank.disabled;
  const mode = form.querySelector('input[name="mode"][value="' + CSS.escape(url.get('mode') || '') + '"]');
  if (mode) mode.checked = true;
  document.body.dataset.ready = 'true';
  if (url.get('q')) {
    queryBox.value = url.get('q');
    search();
  }
}

start();
