// qingdan search: a small script of our own, no framework, no CDN.
//
// The index is built by elasticlunr-rs with the tokenizer below (mirrored
// from src/search.rs; tests/search/vectors.json keeps the two in step).
// A query is cut at spaces into parts; a matter is a result when it
// contains every part. Tokens narrow the candidates through the index,
// then each candidate is checked against its stored text, so a bigram
// coincidence (人民政府 + 财政局 for 民政局) is never shown.

const LIST_OF_PREFIX = { b: 'basic', c: 'cooperative', r: 'revoked' };
const LIST_NAMES = { basic: '基本履职事项', cooperative: '配合履职事项', revoked: '上级部门收回事项' };
const LIST_ORDER = { basic: 0, cooperative: 1, revoked: 2 };
const FIELDS = ['title', 'category', 'departments', 'body'];
const WEIGHT = { title: 3, pinyin: 2.5, category: 2, departments: 2, body: 1 };

/** Full-width ASCII and the ideographic space to ASCII; ASCII lower-cased.
 * One character in, one out, so offsets into the text carry over. */
export function normalize(text) {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0);
    if (c >= 0xff01 && c <= 0xff5e) out += asciiLower(String.fromCodePoint(c - 0xfee0));
    else if (c === 0x3000) out += ' ';
    else out += asciiLower(ch);
  }
  return out;
}

function asciiLower(ch) {
  return ch >= 'A' && ch <= 'Z' ? ch.toLowerCase() : ch;
}

function isHan(ch) {
  const c = ch.codePointAt(0);
  return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);
}

function isAsciiAlnum(ch) {
  return /^[0-9a-zA-Z]$/.test(ch);
}

/** CJK character bigrams (a lone character stays one token) and ASCII words. */
/** ASCII words are indexed by their first MAX_TOKEN_CHARS letters, as in
 * src/search.rs; candidates are checked against the full text anyway. */
const MAX_TOKEN_CHARS = 32;

export function tokenize(text) {
  const tokens = [];
  let word = '';
  let han = [];
  const flushHan = () => {
    if (han.length === 1) tokens.push(han[0]);
    for (let i = 0; i + 1 < han.length; i++) tokens.push(han[i] + han[i + 1]);
    han = [];
  };
  for (const ch of normalize(text)) {
    if (isAsciiAlnum(ch)) {
      flushHan();
      if (word.length < MAX_TOKEN_CHARS) word += ch;
    } else {
      if (word) {
        tokens.push(word);
        word = '';
      }
      if (isHan(ch)) han.push(ch);
      else flushHan();
    }
  }
  if (word) tokens.push(word);
  flushHan();
  return tokens;
}

/** Does a title's reading ("di bao shen he") match a part typed in pinyin,
 * in full syllables ("dibao") or in initials ("db")? */
export function pinyinMatch(reading, part) {
  if (!/^[a-z]{2,}$/.test(part) || !reading) return false;
  const syllables = reading.split(' ');
  for (let i = 0; i < syllables.length; i++) {
    let joined = '';
    for (let j = i; j < syllables.length; j++) {
      joined += syllables[j];
      if (joined === part) return true;
      if (!part.startsWith(joined)) break;
    }
  }
  return syllables.map((s) => s[0]).join('').includes(part);
}

function children(node) {
  return Object.keys(node).filter((k) => k !== 'docs' && k !== 'df');
}

function docsOf(node, into) {
  if (node && node.docs) for (const ref of Object.keys(node.docs)) into.add(ref);
}

/** Documents whose field holds a token that contains `token` as a whole
 * (Chinese bigrams), as a part (ASCII words), or a lone character. */
function lookup(root, token) {
  const found = new Set();
  const chars = [...token];
  if (chars.length === 1 && isHan(token)) {
    const node = root[token];
    if (node) {
      docsOf(node, found);
      for (const k of children(node)) docsOf(node[k], found);
    }
    for (const k of children(root)) docsOf(root[k][token], found);
    return found;
  }
  if (isHan(chars[0])) {
    let node = root;
    for (const ch of chars) {
      node = node[ch];
      if (!node) return found;
    }
    docsOf(node, found);
    return found;
  }
  // An ASCII word may be part of a longer one ("123" in "12345").
  const walk = (node, path) => {
    if (path.includes(token)) {
      const collect = (n) => {
        docsOf(n, found);
        for (const k of children(n)) collect(n[k]);
      };
      collect(node);
      return;
    }
    for (const k of children(node)) if (isAsciiAlnum(k)) walk(node[k], path + k);
  };
  walk(root, '');
  return found;
}

/** The matter a stored document is, and where its page is. */
export function describe(ref, doc, base) {
  const list = LIST_OF_PREFIX[ref[0]];
  const seq = Number(ref.slice(1));
  return {
    ref,
    list,
    listName: LIST_NAMES[list],
    seq,
    url: `${base}matters/${list}-${String(seq).padStart(3, '0')}/`,
    title: doc.title,
    category: doc.category,
    departments: doc.departments ? doc.departments.split('、') : [],
    body: doc.body,
  };
}

/** The parts of a query: cut at white space, normalized, empties dropped. */
export function parts(query) {
  return normalize(query)
    .split(/\s+/)
    .filter((p) => p.length > 0);
}

/** All matters containing every part of `query`, best first. */
export function search(index, query, base = '/') {
  const ps = parts(query);
  if (ps.length === 0) return [];
  const docs = index.documentStore.docs;
  let candidates = null;
  for (const part of ps) {
    const tokens = tokenize(part);
    let forPart = null;
    for (const token of tokens) {
      const hit = new Set();
      for (const f of FIELDS) for (const ref of lookup(index.index[f].root, token)) hit.add(ref);
      forPart = forPart === null ? hit : new Set([...forPart].filter((r) => hit.has(r)));
    }
    if (forPart === null) forPart = new Set();
    if (/^[a-z]{2,}$/.test(part)) {
      for (const ref of Object.keys(docs)) if (pinyinMatch(docs[ref].pinyin, part)) forPart.add(ref);
    }
    candidates = candidates === null ? forPart : new Set([...candidates].filter((r) => forPart.has(r)));
  }
  const results = [];
  for (const ref of candidates) {
    const doc = docs[ref];
    const text = FIELDS.map((f) => [f, normalize(doc[f] || '')]);
    let score = 0;
    let ok = true;
    for (const part of ps) {
      let best = 0;
      for (const [f, t] of text) if (t.includes(part)) best = Math.max(best, WEIGHT[f]);
      if (best === 0 && pinyinMatch(doc.pinyin, part)) best = WEIGHT.pinyin;
      if (best === 0) {
        ok = false;
        break;
      }
      score += best;
    }
    if (ok) results.push({ ...describe(ref, doc, base), score });
  }
  results.sort((a, b) => b.score - a.score || LIST_ORDER[a.list] - LIST_ORDER[b.list] || a.seq - b.seq);
  return results;
}

/** A short piece of the body around the first part found in it. */
export function snippet(body, ps, width = 60) {
  const text = body.replace(/\s+/g, ' ').trim();
  const norm = normalize(text);
  let at = -1;
  for (const p of ps) {
    const i = norm.indexOf(p);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) return text.length > width ? text.slice(0, width) + '…' : text;
  const start = Math.max(0, at - Math.floor(width / 3));
  const end = Math.min(text.length, start + width);
  return (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length ? '…' : '');
}

// ---- The page ----

/** Appends `text` to `el`, with every part of the query in <mark>. */
function highlight(el, text, ps) {
  const norm = normalize(text);
  let i = 0;
  while (i < text.length) {
    let next = -1;
    let len = 0;
    for (const p of ps) {
      const j = norm.indexOf(p, i);
      if (j >= 0 && (next < 0 || j < next)) {
        next = j;
        len = p.length;
      }
    }
    if (next < 0) {
      el.append(text.slice(i));
      return;
    }
    if (next > i) el.append(text.slice(i, next));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(next, next + len);
    el.append(mark);
    i = next + len;
  }
}

function init() {
  const form = document.getElementById('search-form');
  const results = document.getElementById('search-results');
  if (!form || !results) return;
  const input = form.querySelector('input[name="q"]');
  const status = document.getElementById('search-status');
  const base = results.dataset.base || '/';
  const filters = [...form.querySelectorAll('select')];
  let index = null;
  let loading = null;

  const load = () => {
    if (!loading) {
      loading = fetch(`${base}search/index.json`)
        .then((r) => {
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        })
        .then((json) => {
          index = json;
          return json;
        });
    }
    return loading;
  };

  const readUrl = () => {
    const params = new URLSearchParams(location.search);
    input.value = params.get('q') || '';
    for (const s of filters) s.value = params.get(s.name) || '';
  };

  const writeUrl = (push) => {
    const params = new URLSearchParams();
    if (input.value.trim()) params.set('q', input.value.trim());
    for (const s of filters) if (s.value) params.set(s.name, s.value);
    const url = `${location.pathname}${params.toString() ? '?' + params : ''}`;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  };

  const render = async () => {
    results.dataset.state = 'loading';
    results.replaceChildren();
    const q = input.value.trim();
    if (!q) {
      status.textContent = '请输入要查找的事项、部门或关键词，例如：低保、宅基地、高龄津贴、疏附县水利局。';
      results.dataset.state = 'ready';
      return;
    }
    status.textContent = '正在查找…';
    try {
      await load();
    } catch (e) {
      status.textContent = '搜索索引加载失败，请稍后重试，或按事项类别、上级部门查看。';
      results.dataset.state = 'ready';
      return;
    }
    const ps = parts(q);
    const all = search(index, q, base);
    const want = Object.fromEntries(filters.map((s) => [s.name, s.value]));
    const shown = all.filter(
      (r) =>
        (!want.list || r.list === want.list) &&
        (!want.category || r.category === want.category) &&
        (!want.department || r.departments.includes(want.department)),
    );
    const filtered = shown.length !== all.length;
    if (shown.length === 0) {
      status.textContent = all.length
        ? `找到 ${all.length} 个包含“${q}”的事项，但都不符合筛选条件。可以清除筛选后再看。`
        : `没有找到包含“${q}”的事项。可以减少或换一个关键词（如只输入“低保”），检查是否有错别字，或按事项类别、上级部门查看。`;
    } else {
      status.textContent = filtered
        ? `找到 ${all.length} 个包含“${q}”的事项，筛选后显示 ${shown.length} 个。`
        : `找到 ${shown.length} 个包含“${q}”的事项。`;
    }
    for (const r of shown) {
      const li = document.createElement('li');
      li.className = 'result';
      const h = document.createElement('h2');
      const a = document.createElement('a');
      a.href = r.url;
      highlight(a, r.title, ps);
      h.append(a);
      const meta = document.createElement('p');
      meta.className = 'result-meta';
      const bits = [`${r.listName} 第 ${r.seq} 项`];
      if (r.category) bits.push(r.category);
      if (r.departments.length) bits.push(r.departments.join('、'));
      for (const b of bits) {
        const span = document.createElement('span');
        highlight(span, b, ps);
        meta.append(span);
      }
      li.append(h, meta);
      if (r.body) {
        const p = document.createElement('p');
        p.className = 'snippet';
        highlight(p, snippet(r.body, ps), ps);
        li.append(p);
      }
      results.append(li);
    }
    results.dataset.state = 'ready';
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    writeUrl(true);
    render();
  });
  for (const s of filters) {
    s.addEventListener('change', () => {
      writeUrl(true);
      render();
    });
  }
  window.addEventListener('popstate', () => {
    readUrl();
    render();
  });
  input.addEventListener('focus', () => load().catch(() => {}), { once: true });

  // Arrow keys move between the box and the results; Enter opens a result.
  form.parentElement.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    if (e.target instanceof HTMLSelectElement) return;
    const links = [...results.querySelectorAll('.result h2 a')];
    if (!links.length) return;
    const i = links.indexOf(document.activeElement);
    if (e.key === 'ArrowDown') {
      if (document.activeElement === input || i >= 0) {
        e.preventDefault();
        links[Math.min(i + 1, links.length - 1)].focus();
      }
    } else if (i >= 0) {
      e.preventDefault();
      if (i === 0) input.focus();
      else links[i - 1].focus();
    }
  });

  readUrl();
  render();
}

/** `/` focuses the search box on any page that has one. */
function slashToSearch() {
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || t.isContentEditable) return;
    const box = document.querySelector('#search-form input[name="q"]') || document.querySelector('.site-search input[name="q"]');
    if (box) {
      e.preventDefault();
      box.focus();
    }
  });
}

if (typeof document !== 'undefined') {
  slashToSearch();
  init();
}
