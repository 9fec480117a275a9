// qingdan search: a small script of our own, no framework, no CDN.
//
// The index is built by elasticlunr-rs into small files under search/
// (src/search/mod.rs describes them); a query downloads only the shards of
// its own tokens and the bundles holding the text of the results on screen
// (and of those checked ahead). The tokenizer is mirrored from
// src/search/tokenize.rs (tests/search/vectors.json keeps the two in step).
//
// A query is cut at spaces into parts; a matter is an exact result when it
// contains every part. Tokens narrow the candidates through the index, and
// every candidate shown is checked against its text, so a bigram
// coincidence (人民政府 + 财政局 for 民政局) is never shown. Beyond the
// exact results come matters found through a synonym of a part (医保 →
// 医疗保险), then through pinyin (dibao → 低保, by whole words of titles);
// when nothing is found, terms that sound the same are suggested
// (低报 → 低保).

const LISTS = ['basic', 'cooperative', 'revoked'];
const LIST_PREFIX = ['b', 'c', 'r'];
const LIST_NAMES = { basic: '基本履职事项', cooperative: '配合履职事项', revoked: '上级部门收回事项' };
const FIELDS = ['title', 'category', 'departments', 'body'];
const FIELD_KEYS = ['t', 'c', 'd', 'b'];
const WEIGHT = [3, 2, 2, 1];
const FORMAT = 4;
/** How a matter was found, best first; also its `data-match`. */
export const MATCHES = ['exact', 'synonym', 'pinyin', 'suggested'];
/** Alternatives of a part rank: as typed, a synonym, a pinyin term, a
 * synonym of a pinyin term; each rank is shown as one of MATCHES. */
const MATCH_OF_RANK = ['exact', 'synonym', 'pinyin', 'pinyin'];
/** Results shown at a time. */
export const PAGE = 20;
/** Matters checked against their text before the first page is shown, so
 * that the count is exact for all but the broadest queries. */
const CHECK_AHEAD = 60;
/** Pinyin terms tried per part, the most frequent first. */
const PINYIN_TERMS = 8;

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

export function isHan(ch) {
  const c = ch.codePointAt(0);
  return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);
}

function isAsciiAlnum(ch) {
  return /^[0-9a-zA-Z]$/.test(ch);
}

/** ASCII words are indexed by their first MAX_TOKEN_CHARS letters, as in
 * src/search/tokenize.rs; results are checked against the full text. */
const MAX_TOKEN_CHARS = 32;

/** CJK character bigrams (a lone character stays one token) and ASCII words. */
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

/** FNV-1a over UTF-8, as `hash` in src/search/tokenize.rs. */
export function hash(text) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

/** A syllable as `fold` in src/search/reading.rs: zh/ch/sh as z/c/s, l as
 * n, a final ng as n, v as u. */
export function fold(s) {
  for (const [from, to] of [['zh', 'z'], ['ch', 'c'], ['sh', 's']]) {
    if (s.startsWith(from)) {
      s = to + s.slice(from.length);
      break;
    }
  }
  if (s.startsWith('l')) s = 'n' + s.slice(1);
  if (s.endsWith('ng')) s = s.slice(0, -1);
  return s.replaceAll('v', 'u');
}

/** The parts of a query: cut at white space, normalized, empties dropped. */
export function parts(query) {
  return normalize(query)
    .split(/\s+/)
    .filter((p) => p.length > 0);
}

/** `obj[key]` if the file has that key itself (never `constructor` & co.
 * from Object.prototype: a query may be any word). */
function own(obj, key) {
  return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Per document number, the fields (bits of a mask) whose lists hold it. */
function byDoc(fields) {
  const docs = new Map();
  fields.forEach((nums, f) => {
    for (const n of nums) docs.set(n, (docs.get(n) || 0) | (1 << f));
  });
  return docs;
}

/** Decodes `[first, difference, …]` into sorted numbers. */
function undelta(list) {
  const out = new Array(list.length);
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    n += list[i];
    out[i] = n;
  }
  return out;
}

/** The matter a document number is (`seq * 4 + list`), and where its page is. */
export function describe(number, base) {
  const list = LISTS[number % 4];
  const seq = Math.floor(number / 4);
  return {
    number,
    list,
    listName: LIST_NAMES[list],
    seq,
    id: `${list}-${String(seq).padStart(3, '0')}`,
    url: `${base}matters/${list}-${String(seq).padStart(3, '0')}/`,
  };
}

/**
 * The search over the files under `${base}search/`. `fetchJson(path)`
 * returns a promise of the parsed file (relative to search/); the page
 * passes one built on fetch(), the tests one that reads the files.
 */
export function createSearch(fetchJson, base = '/') {
  const cache = new Map();
  const get = (path) => {
    if (!cache.has(path)) {
      const p = fetchJson(path);
      cache.set(path, p);
      p.catch(() => cache.delete(path));
    }
    return cache.get(path);
  };
  let manifestP = null;
  const manifest = () => {
    if (!manifestP) {
      manifestP = get('manifest.json').then(
        (m) => {
          const filesFor = (names, files) => Array.isArray(names) && Array.isArray(files) && files.length === names.length && files.every((n) => Number.isInteger(n) && n >= 0);
          const facetsOk = m && m.facets && filesFor(m.categories, m.facets.categories) && filesFor(m.departments, m.facets.departments);
          if (!m || m.format !== FORMAT || !(Number.isInteger(m.block) && m.block > 0) || !facetsOk) throw new Error('search index format');
          return m;
        },
        (e) => {
          // A failed download (offline for a moment) is tried again by the
          // next search; an index of another format stays refused.
          manifestP = null;
          throw e;
        },
      );
    }
    return manifestP;
  };

  /** Per field, the sorted numbers of the documents holding `token`. */
  const postings = async (token) => {
    const m = await manifest();
    const shard = await get(`t/${hash(token) & (m.shards - 1)}.json`);
    let entry = own(shard, token);
    if (typeof entry === 'string') entry = await get(`t/${entry}.json`);
    return FIELD_KEYS.map((k) => (entry && entry[k] ? undelta(entry[k]) : []));
  };

  /** An ASCII token also matches the longer words holding it ("123" in "12345"). */
  const asciiPostings = async (token) => {
    // a.json has the words whole; the index has them cut.
    const words = (await get('a.json')).filter((w) => w.includes(token));
    const cut = [...new Set(words.map((w) => w.slice(0, MAX_TOKEN_CHARS)))];
    const fields = FIELD_KEYS.map(() => new Set());
    for (const lists of await Promise.all(cut.map(postings))) lists.forEach((l, f) => l.forEach((n) => fields[f].add(n)));
    return { fields: fields.map((s) => [...s]), long: words.some((w) => w.length >= MAX_TOKEN_CHARS) };
  };

  /**
   * The documents that may contain `text`: per document, the fields that
   * hold all its tokens. `check` says whether a match must be confirmed
   * against the text (more than one token: they may lie apart).
   */
  const candidates = async (text) => {
    const tokens = [...new Set(tokenize(text))];
    if (tokens.length === 0) return { docs: new Map(), check: false };
    let long = false;
    const lists = await Promise.all(
      tokens.map(async (t) => {
        if (isHan(t[0])) return postings(t);
        const a = await asciiPostings(t);
        long ||= a.long;
        return a.fields;
      }),
    );
    let docs = null;
    for (const fields of lists) {
      const here = byDoc(fields);
      if (docs === null) docs = here;
      else {
        const both = new Map();
        for (const [n, mask] of docs) if (here.has(n)) both.set(n, mask & here.get(n));
        docs = both;
      }
    }
    // A word cut in the index may differ after the cut.
    const check = long || tokens.length > 1 || tokens[0].length >= MAX_TOKEN_CHARS || normalize(text) !== tokens[0];
    return { docs, check };
  };

  /** The documents holding a term of synonym group `g`, found at build time. */
  const groupCandidates = async (g) => {
    const docs = byDoc(await postings(`#g${g}`));
    // Checked all the same: the group's list also holds the matters with
    // only the term that is in the part (办医保: those with 医保 alone).
    return { docs, check: true };
  };

  /** The `[term, titles holding it]` filed under a reading key (src/search/reading.rs). */
  const termsAt = async (key) => {
    const m = await manifest();
    return own(await get(`p/${hash(key) & (m.terms - 1)}.json`), key) || [];
  };

  /** Terms of titles whose pinyin (or its initials) is `part`. */
  const pinyinTerms = async (part) => {
    if (!/^[a-z]{2,}$/.test(part)) return [];
    const found = [];
    for (const key of [part, `^${part}`]) found.push(...(await termsAt(key)));
    found.sort((a, b) => b[1] - a[1]);
    return [...new Set(found.map(([t]) => t))].slice(0, PINYIN_TERMS);
  };

  /**
   * What a part may stand for through the synonym groups: every group with
   * a term in the part (办医保 holds 医保), as the matters that hold any of
   * the group's other terms (the index lists them under `#g<i>`). The rest
   * of the part (办) is let go: a person's extra words rarely are the
   * document's.
   */
  const synonymsOf = (groups, part, match) => {
    const hits = [];
    groups.forEach((group, g) => {
      const inPart = group.filter((t) => part.includes(t));
      if (inPart.length) hits.push({ g, longest: inPart.sort((a, b) => b.length - a.length)[0] });
    });
    const out = [];
    for (const { g, longest } of hits) {
      // 残疾证 holds 残疾 too: only the group of the longer word counts.
      if (hits.some((h) => h.longest.length > longest.length && h.longest.includes(longest))) continue;
      const others = groups[g].filter((t) => !part.includes(t));
      if (others.length) out.push({ texts: others, group: g, match });
    }
    return out;
  };

  /** Readings of every character of `text` (Chinese only), or null. */
  const readingsOf = async (text) => {
    const m = await manifest();
    const chars = [...text];
    if (!chars.every(isHan)) return null;
    const tables = await Promise.all(chars.map((c) => get(`r/${c.codePointAt(0) % m.readings}.json`)));
    const out = chars.map((c, i) => (own(tables[i], c) || '').split(' ').filter(Boolean));
    return out.every((r) => r.length) ? out : null;
  };

  /** Indexed terms that sound like `text` (宅机地 → 宅基地), most frequent first. */
  const soundsLike = async (text) => {
    const readings = await readingsOf(text);
    if (!readings) return [];
    let keys = [''];
    for (const r of readings) {
      const next = [];
      for (const k of keys) for (const s of r.slice(0, 3)) next.push(k + fold(s));
      keys = [...new Set(next)].slice(0, 27);
    }
    const found = new Map();
    for (const key of keys) {
      for (const [term, n] of await termsAt('~' + key)) if (term !== text) found.set(term, Math.max(n, found.get(term) || 0));
    }
    return [...found].sort((a, b) => b[1] - a[1]).map(([t]) => t);
  };

  /** Suggestions for a part that finds nothing: the part with its
   * longest stretch that sounds like a term replaced by that term. */
  const suggest = async (part) => {
    const chars = [...part];
    if (chars.length > 12) return [];
    // The whole part, then stretches one or two characters shorter.
    for (let len = chars.length; len >= Math.max(2, chars.length - 2); len--) {
      const found = [];
      for (let i = 0; i + len <= chars.length; i++) {
        const piece = chars.slice(i, i + len).join('');
        for (const term of await soundsLike(piece)) found.push(chars.slice(0, i).join('') + term + chars.slice(i + len).join(''));
      }
      if (found.length) return [...new Set(found)];
    }
    return [];
  };

  /** A matter's stored text, from the bundle of `block` consecutive
   * numbers of its list (`d/b3.json` holds basic 12–15 when `block` is 4);
   * `get` keeps the bundle's promise, so matters of one bundle share one
   * fetch, also when asked for at the same time. */
  const storedDoc = async (number) => {
    const m = await manifest();
    const seq = Math.floor(number / 4);
    const doc = own(await get(`d/${LIST_PREFIX[number % 4]}${Math.floor(seq / m.block)}.json`), String(seq));
    if (!doc) throw new Error(`search index: no stored text for ${number}`);
    return doc;
  };

  /** The numbers of the matters a filter lets through, or null for no filter. */
  const filtered = async (filters) => {
    const m = await manifest();
    let allowed = null;
    const narrow = (nums) => {
      const s = new Set(nums);
      allowed = allowed === null ? s : new Set([...allowed].filter((n) => s.has(n)));
    };
    // Several categories' and departments' lists share a file
    // (`f/0.json` = {"c0": […], "d3": […]}); the manifest says which.
    for (const [key, names, files, prefix] of [
      ['category', m.categories, m.facets.categories, 'c'],
      ['department', m.departments, m.facets.departments, 'd'],
    ]) {
      if (!filters[key]) continue;
      const i = names.indexOf(filters[key]);
      if (i < 0) {
        narrow([]);
        continue;
      }
      const list = own(await get(`f/${files[i]}.json`), `${prefix}${i}`);
      if (!Array.isArray(list)) throw new Error(`search index: no ${prefix}${i} in f/${files[i]}.json`);
      narrow(undelta(list));
    }
    return allowed;
  };

  /**
   * Runs a query. Resolves to
   * `{ parts, total, approximate, synonyms, suggestions, corrected, filteredOut, items(n) }`
   * where `items(n)` resolves to the first `n` results, each
   * `{ number, list, seq, url, id, title, category, departments, body, match }`,
   * `url` under `base`.
   */
  async function run(query, filters = {}, { suggest: suggesting = true } = {}) {
    // The manifest first: it refuses an index of another format.
    const [, groups] = await Promise.all([manifest(), get('s.json')]);
    const ps = parts(query);
    const empty = { parts: ps, total: 0, approximate: false, synonyms: [], suggestions: [], corrected: null, filteredOut: 0, counts: () => ({}), items: async () => [] };
    if (ps.length === 0) return empty;
    // Per part, what satisfies it: texts of which one must occur, and how
    // they were found.
    const alternatives = await Promise.all(
      ps.map(async (p) => [
        { texts: [p], match: 0 },
        ...synonymsOf(groups, p, 1),
        // A pinyin term stands for its synonyms too (yibao → 医保 → 医疗保险).
        ...(await pinyinTerms(p)).flatMap((t) => [{ texts: [t], match: 2 }, ...synonymsOf(groups, t, 3)]),
      ]),
    );
    // A part without tokens (only punctuation: 、) narrows nothing in the
    // index; the text decides.
    const free = ps.map((p) => tokenize(p).length === 0);
    if (free.every(Boolean)) return empty;
    const found = await Promise.all(
      alternatives.map((alts, i) =>
        free[i] ? [] : Promise.all(alts.map((a) => (a.group === undefined ? candidates(a.texts[0]) : groupCandidates(a.group)))),
      ),
    );
    // Per document: per part, the ways it may satisfy it.
    const docs = new Map();
    ps.forEach((_, i) => {
      if (free[i]) return;
      alternatives[i].forEach((alt, j) => {
        for (const [n, mask] of found[i][j].docs) {
          let d = docs.get(n);
          if (!d) docs.set(n, (d = { number: n, parts: ps.map(() => []) }));
          d.parts[i].push({ alt, mask, check: found[i][j].check });
        }
      });
    });
    for (const d of docs.values()) ps.forEach((p, i) => free[i] && d.parts[i].push({ alt: alternatives[i][0], mask: 0, check: true }));
    const allowed = await filtered(filters);
    const passes = (d) => (!filters.list || LISTS[d.number % 4] === filters.list) && (allowed === null || allowed.has(d.number));
    let ranked = [];
    let excluded = [];
    for (const d of docs.values()) {
      if (d.parts.some((p) => p.length === 0)) continue;
      estimate(d);
      (passes(d) ? ranked : excluded).push(d);
    }
    order(ranked);
    const unsureOf = (list) => list.filter((d) => d.confirmed === undefined && d.parts.some((p) => p.some((x) => x.check)));

    // Confirms documents against their text.
    const confirm = async (list) => {
      await Promise.all(
        list.map(async (d) => {
          if (d.doc) return;
          const doc = await storedDoc(d.number);
          d.doc = doc;
          d.confirmed = verify(d, doc);
        }),
      );
    };
    const unsure = unsureOf([...ranked, ...excluded]);
    if (unsure.length <= CHECK_AHEAD) await confirm(unsure);
    const settle = () => {
      ranked = ranked.filter((d) => d.confirmed !== false);
      excluded = excluded.filter((d) => d.confirmed !== false);
      order(ranked);
    };
    settle();
    const result = {
      parts: ps,
      total: ranked.length,
      approximate: unsureOf(ranked).length > 0,
      /** How many results each way of finding gave (of `total`). */
      counts: () => Object.fromEntries(MATCHES.map((k) => [k, ranked.filter((d) => MATCH_OF_RANK[d.match] === k).length])),
      /** The synonyms that stand in the results shown so far. */
      synonyms: [],
      suggestions: [],
      corrected: null,
      filteredOut: excluded.length,
      filteredApproximate: unsureOf(excluded).length > 0,
      items: async (n) => {
        // Confirm until `n` confirmed results lead the ranking.
        for (;;) {
          const head = ranked.slice(0, n).filter((d) => !d.doc);
          if (head.length === 0) break;
          await confirm(head);
          settle();
        }
        result.total = ranked.length;
        result.approximate = unsureOf(ranked).length > 0;
        const shownDocs = ranked.slice(0, n);
        const used = new Set();
        for (const d of shownDocs) {
          if (MATCH_OF_RANK[d.match] !== 'synonym') continue;
          const text = FIELDS.map((f) => normalize(d.doc[f] || '')).join('\n');
          for (const options of d.parts) for (const o of options) if (o.alt.match === 1) for (const t of o.alt.texts) if (text.includes(t)) used.add(t);
        }
        result.synonyms = [...used];
        return shownDocs.map((d) => ({ ...describe(d.number, base), ...shown(d) }));
      },
    };
    if (suggesting && ranked.length === 0 && excluded.length === 0) {
      // Nothing at all: what did the person mean? Each suggestion is tried
      // (never suggesting again), and only those that find something are
      // offered.
      const perPart = await Promise.all(ps.map((p, i) => (!free[i] && found[i].every((f) => f.docs.size === 0) ? suggest(p) : Promise.resolve([p]))));
      if (perPart.every((s) => s.length) && perPart.some((s, i) => s[0] !== ps[i])) {
        // The corrected query, then (for several parts) each corrected part
        // alone: 宅机地 低报 → 宅基地 低保, else 宅基地 or 低保.
        const alone = ps.length > 1 ? perPart.flatMap((s, i) => (s[0] !== ps[i] ? [s[0]] : [])) : [];
        const tried = await Promise.all(
          [...new Set([...combine(perPart), ...alone])]
            .filter((q) => q !== ps.join(' '))
            .slice(0, 5)
            .map(async (q) => ({ q, r: await run(q, filters, { suggest: false }) })),
        );
        const good = tried.filter((t) => t.r.total > 0);
        result.suggestions = good.map((t) => t.q);
        // One clear suggestion: show what it finds.
        if (good.length === 1) {
          const again = good[0].r;
          again.corrected = good[0].q;
          again.suggestions = result.suggestions;
          again.original = ps;
          const items = again.items;
          again.items = async (n) => (await items(n)).map((r) => ({ ...r, match: 'suggested' }));
          return again;
        }
      }
    }
    return result;
  }

  return {
    manifest,
    run,
    /** All results of a query, checked (for tests and small sites). */
    async all(query, filters = {}) {
      const r = await run(query, filters);
      return r.items(Infinity);
    },
  };
}

/** The suggested queries: each part's first choice, then the others. */
function combine(perPart) {
  const first = perPart.map((s) => s[0]);
  const out = [first.join(' ')];
  perPart.forEach((s, i) => {
    for (const alt of s.slice(1)) out.push(first.map((f, j) => (j === i ? alt : f)).join(' '));
  });
  return [...new Set(out)];
}

/** Without the text: how a document was found and its score, from the fields. */
function estimate(d) {
  d.match = 0;
  d.score = 0;
  for (const options of d.parts) {
    const best = Math.min(...options.map((o) => o.alt.match));
    d.match = Math.max(d.match, best);
    let w = 0;
    for (const o of options) if (o.alt.match === best) w = Math.max(w, maskWeight(o.mask));
    d.score += w;
  }
}

function maskWeight(mask) {
  let w = 0;
  WEIGHT.forEach((x, f) => {
    if (mask & (1 << f)) w = Math.max(w, x);
  });
  return w;
}

/** With the text: does every part really occur, and how well. */
function verify(d, doc) {
  const texts = FIELDS.map((f) => normalize(doc[f] || ''));
  d.match = 0;
  d.score = 0;
  for (const options of d.parts) {
    let best = null;
    for (const o of options) {
      let w = 0;
      texts.forEach((t, f) => {
        if (o.alt.texts.some((x) => t.includes(x))) w = Math.max(w, WEIGHT[f]);
      });
      if (w === 0) continue;
      if (!best || o.alt.match < best.match || (o.alt.match === best.match && w > best.w)) best = { match: o.alt.match, w };
    }
    if (!best) return false;
    d.match = Math.max(d.match, best.match);
    d.score += best.w;
  }
  return true;
}

/** Best first: how found, score, then list and number. */
function order(ranked) {
  ranked.sort((a, b) => a.match - b.match || b.score - a.score || (a.number % 4) - (b.number % 4) || a.number - b.number);
}

function shown(d) {
  return {
    title: d.doc.title,
    category: d.doc.category,
    departments: d.doc.departments ? d.doc.departments.split('、') : [],
    body: d.doc.body,
    // Still being checked against the original (`"r": 1` in search/d/).
    reviewing: d.doc.r === 1,
    match: MATCH_OF_RANK[d.match],
    // What to mark in the text: the parts, or what stood for them.
    marks: [...new Set(d.parts.flatMap((options) => options.filter((o) => o.alt.match === d.match || o.alt.match === 0).flatMap((o) => o.alt.texts)))],
  };
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
      if (j >= 0 && (next < 0 || j < next || (j === next && p.length > len))) {
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

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

const MATCH_NOTE = { synonym: '近义词', pinyin: '拼音', suggested: '按建议' };

function init() {
  const form = document.getElementById('search-form');
  const results = document.getElementById('search-results');
  if (!form || !results) return;
  const input = form.querySelector('input[name="q"]');
  const status = document.getElementById('search-status');
  const base = results.dataset.base || '/';
  const filters = [...form.querySelectorAll('select')];
  const engine = createSearch(
    (path) =>
      fetch(`${base}search/${path}`).then((r) => {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      }),
    base,
  );
  let generation = 0;

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

  const searchLink = (q) => {
    const a = el('a', { href: `${location.pathname}?q=${encodeURIComponent(q)}`, textContent: q });
    a.addEventListener('click', (e) => {
      e.preventDefault();
      input.value = q;
      writeUrl(true);
      render();
    });
    return a;
  };

  const item = (r, ps) => {
    const marks = [...new Set([...ps, ...(r.marks || [])])];
    const li = el('li', { className: 'result' });
    li.dataset.match = r.match;
    const a = el('a', { href: r.url });
    highlight(a, r.title, marks);
    const h = el('h2', {}, a);
    // The same mark as the matter's row in the tables (macros.html `reviewing`).
    if (r.reviewing) {
      const badge = el('span', { className: 'badge', textContent: '核对中' });
      badge.append(el('span', { className: 'visually-hidden', textContent: '（部分内容正在与原件核对）' }));
      h.append(' ', badge);
    }
    const meta = el('p', { className: 'result-meta' });
    const bits = [`${r.listName} 第 ${r.seq} 项`];
    if (r.category) bits.push(r.category);
    if (r.departments.length) bits.push(r.departments.join('、'));
    for (const b of bits) {
      const span = el('span');
      highlight(span, b, marks);
      meta.append(span);
    }
    if (MATCH_NOTE[r.match]) meta.append(el('span', { className: 'match-note', textContent: `${MATCH_NOTE[r.match]}匹配` }));
    li.append(h, meta);
    if (r.body) {
      const p = el('p', { className: 'snippet' });
      highlight(p, snippet(r.body, marks), marks);
      li.append(p);
    }
    return li;
  };

  const noResults = (q, r) => {
    const box = el('div', { className: 'no-results' });
    if (r.suggestions.length) {
      const p = el('p', { textContent: '您是不是要找：' });
      r.suggestions.forEach((s, i) => p.append(...(i ? ['、'] : []), searchLink(s)));
      box.append(p);
    }
    const tips = el('ul');
    tips.append(el('li', { textContent: '减少或换一个关键词，如只输入“低保”“宅基地”；检查是否有错别字。' }));
    tips.append(el('li', {}, '按', el('a', { href: `${base}categories/`, textContent: '事项类别' }), '或', el('a', { href: `${base}departments/`, textContent: '上级部门' }), '浏览全部事项。'));
    tips.append(el('li', {}, '仍然找不到，请', el('a', { href: `${base}contact/`, textContent: '联系我们' }), '。'));
    box.append(tips);
    return box;
  };

  const render = async () => {
    const mine = ++generation;
    results.dataset.state = 'loading';
    results.replaceChildren();
    results.parentElement.querySelector('.search-extra')?.remove();
    const q = input.value.trim();
    if (!q) {
      status.textContent = '请输入要查找的事项、部门或关键词，例如：低保、宅基地、高龄津贴、疏附县水利局。';
      results.dataset.state = 'ready';
      return;
    }
    status.textContent = '正在查找…';
    const want = Object.fromEntries(filters.map((s) => [s.name, s.value]));
    let r;
    let shownItems;
    try {
      r = await engine.run(q, want);
      shownItems = await r.items(PAGE);
    } catch (e) {
      if (mine !== generation) return;
      status.textContent = '搜索索引加载失败，请稍后重试，或按事项类别、上级部门查看。';
      results.dataset.state = 'error';
      return;
    }
    if (mine !== generation) return;
    const ps = r.parts;
    const count = `${r.approximate ? '约 ' : ''}${r.total}`;
    const extra = el('div', { className: 'search-extra' });
    if (r.total === 0) {
      status.textContent = r.filteredOut
        ? `找到${r.filteredApproximate ? '约 ' : ' '}${r.filteredOut} 个与“${q}”有关的事项，但都不符合筛选条件。可以清除筛选后再看。`
        : `没有找到包含“${q}”的事项。`;
      if (!r.filteredOut) extra.append(noResults(q, r));
    } else if (r.corrected) {
      status.textContent = `没有找到包含“${q}”的事项。您是不是要找：“${r.corrected}”？下面是“${r.corrected}”的 ${count} 个结果。`;
      const p = el('p', { className: 'suggestions', textContent: '您是不是要找：' });
      r.suggestions.forEach((s, i) => p.append(...(i ? ['、'] : []), searchLink(s)));
      results.before(p);
      p.classList.add('search-extra');
    } else {
      const c = r.counts();
      const near = r.total - c.exact;
      const how = [c.synonym ? '近义词' : '', c.pinyin ? '拼音' : ''].filter(Boolean).join('和');
      let text =
        c.exact > 0
          ? `找到 ${r.approximate ? '约 ' : ''}${c.exact} 个包含“${q}”的事项${near ? `，另有 ${near} 个按${how}找到` : ''}。`
          : `没有找到包含“${q}”的事项；下面是按${how}找到的 ${count} 个事项。`;
      if (r.filteredOut) text += `（另有${r.filteredApproximate ? '约 ' : ' '}${r.filteredOut} 个不符合筛选条件）`;
      if (r.synonyms.length) text += ` 同时搜索了：${r.synonyms.slice(0, 6).join('、')}${r.synonyms.length > 6 ? ' 等' : ''}。`;
      status.textContent = text;
    }
    for (const x of shownItems) results.append(item(x, ps));
    if (extra.childNodes.length) results.after(extra);
    let n = PAGE;
    const moreButton = () => {
      if (r.total <= n) return;
      const b = el('button', { type: 'button', className: 'more', textContent: `显示更多（还有${r.approximate ? '约 ' : ''}${r.total - n} 个）` });
      const wrap = el('p', { className: 'search-extra' }, b);
      b.addEventListener('click', async () => {
        b.disabled = true;
        const before = n;
        n += PAGE;
        const all = await r.items(n);
        wrap.remove();
        for (const x of all.slice(before)) results.append(item(x, ps));
        results.querySelectorAll('.result h2 a')[before]?.focus();
        moreButton();
      });
      results.after(wrap);
    };
    moreButton();
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
  input.addEventListener('focus', () => engine.manifest().catch(() => {}), { once: true });

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
