// rapportsök: the search page. Everything it shows comes from /api/* as JSON and is put into
// the page as text (textContent), never as HTML: the server's CSP closes the HTML sinks.
// All state lives in the URL (q, kapitel, avsnitt, fil, exakt, p, stycke), so that reload, back
// and a shared link give the same view.
'use strict';

const PER_PAGE = 10;
const WINDOW = 1000; // the server's result window (offset + limit)
const EXAMPLES = ['tortyr', '"Högsta domstolen"', 'pressfrihet', 'religionsfrihet', 'dödsstraff', 'kvinnor avsnitt:16'];

const $ = (id) => document.getElementById(id);
const input = $('q');
const list = $('lista');
const statusLine = $('status');
const explain = $('forklaring');
const chips = $('aktiva');
const suggestions = $('forslag');

// --- small helpers ---

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const nf = new Intl.NumberFormat('sv-SE');
const num = (n) => nf.format(n);

// All-capital headings ("MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER") read better in sentence case.
function heading(h) {
  if (!h) return '';
  if (h !== h.toLocaleUpperCase('sv') || !/\p{Lu}{4}/u.test(h)) return h;
  const lower = h.toLocaleLowerCase('sv');
  return lower.charAt(0).toLocaleUpperCase('sv') + lower.slice(1);
}

function baseName(path) {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

// The snippet with its highlights, as text nodes and <mark>s. Highlights are byte offsets into
// the snippet's UTF-8; marks that only spaces separate (a phrase) become one <mark>.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
function highlighted(text, ranges) {
  const bytes = encoder.encode(text);
  const merged = [];
  for (const [b, e] of ranges || []) {
    if (b < 0 || e > bytes.length || e <= b) continue;
    const last = merged[merged.length - 1];
    if (last && b >= last[1] && bytes.slice(last[1], b).every((c) => c === 0x20)) last[1] = e;
    else if (!last || b >= last[1]) merged.push([b, e]);
  }
  const out = document.createDocumentFragment();
  let at = 0;
  for (const [b, e] of merged) {
    out.append(decoder.decode(bytes.slice(at, b)), el('mark', { text: decoder.decode(bytes.slice(b, e)) }));
    at = e;
  }
  out.append(decoder.decode(bytes.slice(at)));
  return out;
}

// The words the hits' snippets highlight, to mark them in a passage opened to be read.
let markedWords = [];
function wordsOf(hits) {
  const words = new Set();
  for (const h of hits) {
    const bytes = encoder.encode(h.snippet);
    for (const [b, e] of h.highlights || []) words.add(decoder.decode(bytes.slice(b, e)).toLocaleLowerCase('sv'));
  }
  return [...words].filter((w) => w.length > 1).sort((a, b) => b.length - a.length);
}
function withMarks(text) {
  if (!markedWords.length) return document.createTextNode(text);
  const escaped = markedWords.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp('(?<![\\p{L}\\p{N}])(' + escaped.join('|') + ')(?![\\p{L}\\p{N}])', 'giu');
  const out = document.createDocumentFragment();
  let at = 0;
  for (const m of text.matchAll(re)) {
    out.append(text.slice(at, m.index), el('mark', { text: m[0] }));
    at = m.index + m[0].length;
  }
  out.append(text.slice(at));
  return out;
}

// --- state in the URL ---

function readState() {
  const u = new URLSearchParams(location.search);
  const p = parseInt(u.get('p') || '1', 10);
  return {
    q: u.get('q') || '',
    kapitel: u.get('kapitel') || '',
    avsnitt: (u.get('avsnitt') || '').split(',').filter((s) => /^\d{1,6}$/.test(s)).map(Number),
    fil: u.get('fil') || '',
    exakt: u.get('exakt') === '1',
    p: Number.isFinite(p) && p > 0 ? Math.min(p, WINDOW / PER_PAGE) : 1,
    stycke: u.get('stycke') || '',
  };
}

function urlFor(s) {
  const u = new URLSearchParams();
  if (s.q) u.set('q', s.q);
  if (s.kapitel) u.set('kapitel', s.kapitel);
  if (s.avsnitt.length) u.set('avsnitt', s.avsnitt.join(','));
  if (s.fil) u.set('fil', s.fil);
  if (s.exakt) u.set('exakt', '1');
  if (s.p > 1) u.set('p', String(s.p));
  if (s.stycke) u.set('stycke', s.stycke);
  const qs = u.toString();
  return qs ? '/?' + qs : '/';
}

let state = readState();
let typing = false; // the history entry on top is one being typed into: replaced, not pushed

function go(next, { push = true, focus = null } = {}) {
  state = next;
  const url = urlFor(state);
  if (url !== location.pathname + location.search) {
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }
  typing = false;
  render(focus);
}

const hasSearch = (s) => Boolean(s.q.trim() || s.kapitel || s.avsnitt.length || s.fil);

// --- talking to the server ---

let searchSeq = 0;
let searchAbort = null;

async function api(path, signal) {
  let r;
  try {
    r = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw { network: true };
  }
  let body = null;
  try {
    body = await r.json();
  } catch (e) {
    body = null;
  }
  if (!r.ok) throw { status: r.status, message: body && body.error ? body.error : r.statusText };
  return body;
}

function searchPath(s) {
  const u = new URLSearchParams();
  u.set('q', s.q);
  if (s.kapitel) u.set('chapter', s.kapitel);
  if (s.avsnitt.length) u.set('section', s.avsnitt.join(','));
  if (s.fil) u.set('file', s.fil);
  if (s.exakt) u.set('exact', '1');
  u.set('limit', String(PER_PAGE));
  u.set('offset', String((s.p - 1) * PER_PAGE));
  return '/api/search?' + u.toString();
}

// --- Swedish for the engine's notes and errors ---

function reason(r) {
  return r
    .replace(/^unbalanced quote$/, 'ett citattecken saknar sin like')
    .replace(/^unbalanced bracket$/, 'en parentes saknar sin like')
    .replace(/^operator (\S+) without a word on each side$/, '$1 saknar ett ord på ena sidan')
    .replace(/^a lone (.)$/, 'ett ensamt $1');
}

function noteText(n) {
  let m;
  if ((m = n.match(/^the query could not be read as written \((.*)\); searched as plain words$/)))
    return `Frågan kunde inte läsas som den skrevs (${reason(m[1])}); orden söktes var för sig.`;
  if ((m = n.match(/^no passage has (section|page|chapter|file) (.*)$/))) {
    const kind = { section: 'avsnitt', page: 'sida', chapter: 'kapitel', file: 'fil' }[m[1]];
    return `Inget stycke finns i ${kind} ${m[2]}.`;
  }
  if ((m = n.match(/^"(.*)\*" matches more than 256 words; searched for the 256 most frequent$/)))
    return `”${m[1]}*” passar in på fler än 256 ord; de 256 vanligaste söktes.`;
  if ((m = n.match(/^the query has (\d+) words; searched for the first (\d+)$/)))
    return `Frågan har ${m[1]} ord; de första ${m[2]} söktes.`;
  if ((m = n.match(/^filter (\S+?): has no value$/))) return `Filtret ${m[1]}: saknar värde.`;
  if ((m = n.match(/^filter (\S+?):(.*?): an? (section|page) is a number/)))
    return `Filtret ${m[1]}:${m[2]} förstods inte: skriv ett nummer (8), ett intervall (3-5) eller en lista (3,5).`;
  return n;
}

function errorView(err, s) {
  const box = el('div', { class: 'error', role: 'alert' });
  if (err.network) {
    box.append(el('h2', { text: 'Servern svarar inte' }),
      el('p', { text: 'Sidan fick inget svar. Kontrollera att searcher --serve körs och försök igen.' }),
      el('button', { class: 'linkish', type: 'button', text: 'Försök igen', onclick: () => render() }));
    return box;
  }
  let m;
  const msg = err.message || '';
  if ((m = msg.match(/^the query has only stopwords \((.*?)\)/))) {
    box.append(el('h2', { text: 'Bara småord' }),
      el('p', { text: `Frågan har bara ord som är för vanliga för att sökas på (${m[1]}).` }),
      el('ul', {}, el('li', { text: 'Lägg till ett ord som bär betydelse, t.ex. ”rätt” eller ”domstol”.' }),
        el('li', { text: 'Eller sök på en fras inom citattecken: ' }, el('code', { text: `"${s.q.trim()}"` }))));
  } else if (/^filter /.test(msg)) {
    box.append(el('h2', { text: 'Filtret förstods inte' }),
      ...msg.split('; ').map((part) => el('p', { text: noteText(part) })));
  } else if (/^empty query/.test(msg)) {
    box.append(el('h2', { text: 'Inget att söka efter' }), el('p', { text: 'Skriv ett ord i sökrutan.' }));
  } else if (err.status === 503) {
    box.append(el('h2', { text: 'Databasen kan inte läsas just nu' }), el('p', { text: msg }),
      el('p', { text: 'Den byggs kanske om. Försök igen om en stund.' }));
  } else {
    box.append(el('h2', { text: 'Sökningen kunde inte göras' }), el('p', { text: msg }),
      el('p', { text: 'Pröva färre ord, eller ta bort filtren.' }));
  }
  return box;
}

// --- rendering ---

function setStatus(text, strong) {
  statusLine.replaceChildren();
  if (strong !== undefined) {
    const parts = text.split('{}');
    statusLine.append(parts[0], el('strong', { text: strong }), parts[1] || '');
  } else {
    statusLine.textContent = text;
  }
}

function renderChips(s) {
  chips.replaceChildren();
  const chip = (label, without) =>
    chips.append(el('li', {}, el('button', {
      class: 'chip', type: 'button', 'aria-label': `Ta bort filtret ${label}`,
      onclick: () => go({ ...without, p: 1, stycke: '' }, { focus: 'q' }),
    }, label, el('span', { class: 'x', 'aria-hidden': 'true', text: '×' }))));
  if (s.kapitel) chip(`Kapitel: ${heading(s.kapitel)}`, { ...s, kapitel: '' });
  for (const a of s.avsnitt) chip(`Avsnitt §${a}`, { ...s, avsnitt: s.avsnitt.filter((x) => x !== a) });
  if (s.fil) chip(`Fil: ${baseName(s.fil)}`, { ...s, fil: '' });
  if (s.exakt) chip('Exakt sökning', { ...s, exakt: false });
  const n = (s.kapitel ? 1 : 0) + s.avsnitt.length + (s.fil ? 1 : 0);
  if (n > 1)
    chips.append(el('li', {}, el('button', {
      class: 'chip clear', type: 'button',
      onclick: () => go({ ...s, kapitel: '', avsnitt: [], fil: '', p: 1, stycke: '' }, { focus: 'q' }),
    }, 'Rensa alla filter')));
}

function renderExplain(r, s) {
  explain.replaceChildren();
  if (r.corrected) {
    explain.append(el('p', { class: 'fix' }, 'Visar resultat för ', el('strong', { text: r.corrected }),
      '. Inga träffar för ', el('em', { text: r.query }), '. ',
      el('button', { class: 'linkish', type: 'button', text: 'Sök ändå exakt som du skrev',
        onclick: () => go({ ...s, exakt: true, p: 1 }) })));
  }
  const kinds = { inflection: 'böjningsform', diacritics: 'med å, ä, ö', compound: 'i sammansättningar',
                  synonym: 'synonym', english: 'översättning', 'compound parts': 'delar',
                  spelling: 'rättstavning' };
  const also = [];
  for (const e of r.expansions || []) {
    if (e.kind === 'compound') also.push(`”${e.word}” i sammansatta ord`);
    else if (e.kind === 'english stopwords') also.push(`utan de engelska småorden ”${e.word}”`);
    else if (e.kind === 'spelling' && e.alternatives && e.alternatives.length)
      also.push(`menade du ${e.alternatives[0]}? (bredvid ”${e.word}”)`);
    else if (e.alternatives && e.alternatives.length)
      also.push(`${e.alternatives.join(', ')} (${kinds[e.kind] || e.kind} av ”${e.word}”)`);
  }
  if (also.length) {
    explain.append(el('p', { class: 'also' }, 'Sökte även: ' + also.join(' · ') + '. ',
      el('button', { class: 'linkish', type: 'button', text: 'Sök bara exakt',
        onclick: () => go({ ...s, exakt: true, p: 1 }) })));
  }
  for (const n of r.notes || []) explain.append(el('p', { class: 'note', text: noteText(n) }));
  if (r.timed_out)
    explain.append(el('p', { class: 'note', text: 'Sökningen tog för lång tid och visar det den hann hitta; antalet är uppskattat.' }));
}

function renderFacets(r, s) {
  const aside = $('fasetter');
  const chapters = (r.facets && r.facets.chapter) || [];
  const sections = (r.facets && r.facets.section) || [];
  aside.hidden = chapters.length + sections.length === 0 && !s.kapitel && !s.avsnitt.length;
  const est = r.facets_exact ? '' : '~';
  const cl = $('fasett-kapitel');
  cl.replaceChildren();
  for (const c of chapters) {
    const on = s.kapitel === c.value;
    cl.append(el('li', {}, el('button', {
      class: 'facet', type: 'button', 'aria-pressed': on ? 'true' : 'false', 'data-key': 'k:' + c.value,
      title: c.value, onclick: () => go({ ...s, kapitel: on ? '' : c.value, p: 1, stycke: '' }, { focus: 'k:' + c.value }),
    }, el('span', { text: heading(c.value) }), el('span', { class: 'n', text: est + num(c.count) }))));
  }
  $('rubrik-kapitel').parentElement.hidden = chapters.length === 0;
  const sl = $('fasett-avsnitt');
  sl.replaceChildren();
  for (const f of sections) {
    const on = s.avsnitt.includes(f.number);
    const next = on ? s.avsnitt.filter((x) => x !== f.number) : [...s.avsnitt, f.number].sort((a, b) => a - b);
    sl.append(el('li', {}, el('button', {
      class: 'facet', type: 'button', 'aria-pressed': on ? 'true' : 'false', 'data-key': 's:' + f.number,
      onclick: () => go({ ...s, avsnitt: next, p: 1, stycke: '' }, { focus: 's:' + f.number }),
    }, el('span', {}, el('span', { class: 'num', text: `§${f.number}` }), f.title),
    el('span', { class: 'n', text: est + num(f.count) }))));
  }
  $('rubrik-avsnitt').parentElement.hidden = sections.length === 0;
  // On a phone the filters fold away; open while one is chosen.
  const small = window.matchMedia('(max-width: 760px)').matches;
  $('fasetter-ruta').open = !small || Boolean(s.kapitel || s.avsnitt.length);
}

function hitTitle(p) {
  if (p.section && p.section.number)
    return [el('span', { class: 'sect', text: `§${p.section.number}` }), ' ', p.section.title];
  return [heading(p.chapter) || p.report_title || baseName(p.file)];
}

function reference(p) {
  const lines = p.lines[0] === p.lines[1] ? `rad ${p.lines[0]}` : `rad ${p.lines[0]}–${p.lines[1]}`;
  const pages = p.pages && p.pages[1] !== p.pages[0] ? `sidorna ${p.pages[0]}–${p.pages[1]}` : `sida ${p.page}`;
  return el('p', { class: 'ref' },
    p.chapter ? el('span', { text: heading(p.chapter) }) : null,
    el('span', { text: pages }),
    el('span', { title: p.file, text: `${baseName(p.file)}, ${lines}` }));
}

function renderHits(r, s) {
  list.replaceChildren();
  markedWords = wordsOf(r.hits);
  for (const h of r.hits) {
    const link = el('a', {
      href: urlFor({ ...s, stycke: h.id }), class: 'open', 'data-id': h.id, 'aria-expanded': 'false',
      'aria-controls': 'r-' + h.id,
    }, ...hitTitle(h));
    link.addEventListener('click', (ev) => {
      if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button) return;
      ev.preventDefault();
      const open = state.stycke === h.id;
      go({ ...state, stycke: open ? '' : h.id }, { focus: 'hit:' + h.id });
    });
    list.append(el('li', { class: 'hit', 'data-id': h.id },
      el('article', { 'aria-labelledby': 'h-' + h.id },
        el('h3', { id: 'h-' + h.id }, link),
        reference(h),
        el('p', { class: 'snippet' }, highlighted(h.snippet, h.highlights)),
        el('div', { class: 'reader', id: 'r-' + h.id, hidden: true }))));
  }
}

function renderPages(r, s) {
  const nav = $('sidor');
  nav.replaceChildren();
  const last = Math.min(Math.ceil(r.total / PER_PAGE), WINDOW / PER_PAGE);
  nav.hidden = last <= 1;
  if (last <= 1) return;
  const link = (p, label, extra = {}) => {
    const a = el('a', { href: urlFor({ ...s, p, stycke: '' }), ...extra, text: label });
    a.addEventListener('click', (ev) => {
      if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button) return;
      ev.preventDefault();
      go({ ...s, p, stycke: '' }, { focus: 'results' });
    });
    return a;
  };
  nav.append(s.p > 1 ? link(s.p - 1, '← Föregående', { rel: 'prev' }) : el('span', { class: 'off', text: '← Föregående' }));
  const shown = new Set([1, last, s.p - 2, s.p - 1, s.p, s.p + 1, s.p + 2].filter((p) => p >= 1 && p <= last));
  let prev = 0;
  for (const p of [...shown].sort((a, b) => a - b)) {
    if (p > prev + 1) nav.append(el('span', { class: 'gap', text: '…' }));
    nav.append(p === s.p ? el('span', { 'aria-current': 'page', text: String(p) })
      : link(p, String(p), { 'aria-label': `Sida ${p}` }));
    prev = p;
  }
  nav.append(s.p < last ? link(s.p + 1, 'Nästa →', { rel: 'next' }) : el('span', { class: 'off', text: 'Nästa →' }));
}

function renderEmpty(r, s) {
  const tips = [];
  if (s.kapitel || s.avsnitt.length || s.fil) tips.push(el('li', {}, 'Ta bort ett filter ovan, eller ',
    el('button', { class: 'linkish', type: 'button', text: 'sök utan filter',
      onclick: () => go({ ...s, kapitel: '', avsnitt: [], fil: '', p: 1 }) }), '.'));
  if (s.exakt) tips.push(el('li', {}, el('button', { class: 'linkish', type: 'button',
    text: 'Sök även böjningsformer, stavningar och synonymer', onclick: () => go({ ...s, exakt: false, p: 1 }) }), '.'));
  if ((r.unknown_words || []).length) tips.push(el('li', { text: `Kontrollera stavningen av ${r.unknown_words.join(', ')}.` }));
  if (/\bAND\b|"/.test(s.q)) tips.push(el('li', { text: 'Pröva utan citattecken eller AND, så räcker det att något av orden finns.' }));
  tips.push(el('li', { text: 'Pröva färre eller andra ord, t.ex. ett ord för ämnet: ”yttrandefrihet”, ”fängelse”.' }));
  list.replaceChildren(el('li', { class: 'empty' },
    el('h2', {}, 'Inga träffar för ', el('em', { text: s.q.trim() || 'filtren' })),
    el('ul', {}, ...tips)));
}

// A passage with its neighbours, in place under its hit (or alone, for a shared link).
async function openReader(container, id, { alone = false, focus = false } = {}) {
  container.hidden = false;
  container.replaceChildren(el('p', { class: 'where', text: 'Hämtar stycket …' }));
  let c;
  try {
    c = await api('/api/passage/' + encodeURIComponent(id));
  } catch (err) {
    container.replaceChildren(err.status === 404
      ? el('div', { class: 'error', role: 'alert' }, el('h2', { text: 'Stycket finns inte längre' }),
        el('p', { text: 'Rapporten har kanske ändrats sedan länken skapades. Sök på några ord ur stycket i stället.' }))
      : errorView(err, state));
    return;
  }
  if (state.stycke !== id) return; // closed or moved on meanwhile
  const p = c.passage;
  const para = (q, cls, label) => q && el('div', { class: 'para ' + cls, 'data-id': q.id },
    el('span', { class: 'where', text: label + (q.section && q.section.number !== p.section.number
      ? ` · §${q.section.number} ${q.section.title}` : '') }), withMarks(q.text));
  const move = (q, label) => el('button', {
    class: 'linkish', type: 'button', disabled: !q, text: label,
    onclick: () => q && go({ ...state, stycke: q.id }, { push: true, focus: 'reader' }),
  });
  const sectionHref = urlFor({ q: '', kapitel: '', avsnitt: p.section.number ? [p.section.number] : [], fil: p.file,
                               exakt: false, p: Math.floor((p.position - 1) / PER_PAGE) + 1, stycke: '' });
  const parts = [];
  if (alone) {
    parts.push(el('h2', {}, ...hitTitle(p)), reference(p));
  }
  parts.push(para(c.previous, 'near', 'Stycket före'),
    el('div', { class: 'para this', tabindex: '-1', 'data-id': p.id },
      el('span', { class: 'where', text: `Stycke ${p.position} · sida ${p.page}` }), withMarks(p.text)),
    para(c.next, 'near', 'Stycket efter'),
    el('div', { class: 'nav' }, move(c.previous, '↑ Föregående stycke'), move(c.next, 'Nästa stycke ↓')),
    el('div', { class: 'actions' },
      p.section.number
        ? el('a', { href: sectionHref, text: `Hela avsnitt §${p.section.number}: ${p.section.title}` })
        : el('a', { href: urlFor({ ...state, q: '', kapitel: '', avsnitt: [], fil: p.file, p: 1, stycke: '' }), text: 'Hela rapporten' }),
      el('a', { href: urlFor({ q: '', kapitel: '', avsnitt: [], fil: '', exakt: false, p: 1, stycke: p.id }),
                title: 'En länk som alltid leder till just detta stycke', text: 'Länk till stycket' })));
  container.replaceChildren(...parts.filter(Boolean));
  if (focus) container.querySelector('.para.this').focus();
}

let lastResult = null;

// whileTyping: the completions shown for the box stay open.
async function render(focus, whileTyping = false) {
  const s = state;
  if (input.value !== s.q && document.activeElement !== input) input.value = s.q;
  if (!whileTyping) closeSuggestions();
  renderChips(s);
  const searching = hasSearch(s);
  $('start').hidden = searching || Boolean(s.stycke);
  document.title = s.q.trim() ? `${s.q.trim()} – rapportsök` : 'rapportsök';
  if (!searching) {
    explain.replaceChildren();
    $('fasetter').hidden = true;
    $('sidor').hidden = true;
    lastResult = null;
    if (s.stycke) {
      setStatus('Ett stycke ur rapporterna');
      const box = el('div', { class: 'reader alone' });
      list.replaceChildren(el('li', {}, box));
      openReader(box, s.stycke, { alone: true, focus: focus === 'reader' });
    } else {
      list.replaceChildren();
      setStatus('');
      fillExamples();
    }
    return;
  }
  const seq = ++searchSeq;
  if (searchAbort) searchAbort.abort();
  searchAbort = new AbortController();
  document.body.classList.add('busy');
  let r;
  try {
    r = await api(searchPath(s), searchAbort.signal);
  } catch (err) {
    if (err.name === 'AbortError' || seq !== searchSeq) return;
    document.body.classList.remove('busy');
    setStatus('Sökningen kunde inte göras.');
    explain.replaceChildren();
    $('fasetter').hidden = true;
    $('sidor').hidden = true;
    list.replaceChildren(el('li', {}, errorView(err, s)));
    return;
  }
  if (seq !== searchSeq) return;
  document.body.classList.remove('busy');
  lastResult = r;
  $('revision').textContent = r.revision ? `databasversion ${r.revision.split(':').pop()}` : '';
  const total = (r.total_exact ? '' : '~') + num(r.total);
  const what = s.q.trim() ? s.q.trim() : 'filtren';
  if (r.total === 0) setStatus('Inga träffar för {}', what);
  else if (r.hits.length === 0) setStatus(`${total} träffar för {}, men inga på sida ${s.p}`, what);
  else {
    const from = r.offset + 1, to = r.offset + r.hits.length;
    const range = r.total > r.hits.length ? ` · visar ${num(from)}–${num(to)}` : '';
    setStatus(`${total} ${r.total === 1 ? 'träff' : 'träffar'} för {}${range}`, what);
  }
  renderExplain(r, s);
  renderFacets(r, s);
  if (r.total === 0) renderEmpty(r, s);
  else renderHits(r, s);
  renderPages(r, s);
  // The passage named in the URL: opened under its hit, or above the hits when it is not among them.
  if (s.stycke) {
    const hit = list.querySelector(`li.hit[data-id="${CSS.escape(s.stycke)}"]`);
    if (hit) {
      const link = hit.querySelector('a.open');
      link.setAttribute('aria-expanded', 'true');
      hit.classList.add('current');
      openReader(hit.querySelector('.reader'), s.stycke, { focus: focus === 'reader' });
    } else {
      const box = el('div', { class: 'reader alone' });
      list.prepend(el('li', {}, box));
      openReader(box, s.stycke, { alone: true, focus: focus === 'reader' });
    }
  }
  restoreFocus(focus);
}

function restoreFocus(focus) {
  if (!focus) return;
  if (focus === 'q') input.focus();
  else if (focus === 'results') {
    $('traffar').focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  } else if (focus.startsWith('hit:')) {
    const a = list.querySelector(`li.hit[data-id="${CSS.escape(focus.slice(4))}"] a.open`);
    if (a) a.focus();
  } else if (focus.startsWith('k:') || focus.startsWith('s:')) {
    const b = [...document.querySelectorAll('.facet')].find((x) => x.dataset.key === focus);
    if (b) b.focus();
  }
}

function fillExamples() {
  const box = $('exempel');
  if (box.childNodes.length) return;
  for (const ex of EXAMPLES) {
    const a = el('a', { href: urlFor({ ...readState(), q: ex, p: 1 }), text: ex });
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      go({ ...state, q: ex, p: 1, stycke: '' });
    });
    box.append(a);
  }
}

// --- the search box: search as you type, completions ---

let typeTimer = 0;
let suggestTimer = 0;
let suggestSeq = 0;
let active = -1;

input.addEventListener('input', () => {
  const q = input.value;
  clearTimeout(typeTimer);
  typeTimer = setTimeout(() => {
    const next = { ...state, q, p: 1, stycke: '' };
    const wasTyping = typing;
    state = next;
    const url = urlFor(next);
    if (wasTyping) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    typing = true;
    render(null, true);
  }, 220);
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(() => suggest(q), 120);
});

async function suggest(q) {
  const seq = ++suggestSeq;
  const atEnd = input.selectionStart === input.value.length;
  if (!q.trim() || /\s$/.test(q) || !atEnd || q.length > 200) return closeSuggestions();
  let r;
  try {
    r = await api('/api/suggest?q=' + encodeURIComponent(q));
  } catch (e) {
    return closeSuggestions();
  }
  if (seq !== suggestSeq || input.value !== q || document.activeElement !== input) return;
  suggestions.replaceChildren();
  active = -1;
  r.completions.forEach((c, k) => {
    const typed = c.word.slice(0, r.word.length);
    suggestions.append(el('li', {
      role: 'option', id: 'forslag-' + k, 'aria-selected': 'false', 'data-query': c.query,
      onmousedown: (ev) => { ev.preventDefault(); choose(c.query); },
    }, el('span', {}, el('span', { class: 'typed', text: q.slice(0, q.length - r.word.length) }),
      el('strong', { text: typed }), c.word.slice(r.word.length)),
    el('span', { class: 'count', text: `${num(c.count)} st.`, 'aria-hidden': 'true' })));
  });
  const open = r.completions.length > 0;
  suggestions.hidden = !open;
  input.setAttribute('aria-expanded', open ? 'true' : 'false');
  input.removeAttribute('aria-activedescendant');
}

function closeSuggestions() {
  suggestSeq++;
  suggestions.hidden = true;
  suggestions.replaceChildren();
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
  active = -1;
}

function choose(query) {
  input.value = query;
  clearTimeout(typeTimer);
  clearTimeout(suggestTimer);
  closeSuggestions();
  go({ ...state, q: query, p: 1, stycke: '' }, { focus: 'q' });
}

function highlightOption(k) {
  const options = [...suggestions.children];
  if (!options.length) return;
  active = (k + options.length) % options.length;
  options.forEach((o, i) => o.setAttribute('aria-selected', i === active ? 'true' : 'false'));
  input.setAttribute('aria-activedescendant', options[active].id);
}

input.addEventListener('keydown', (ev) => {
  const open = !suggestions.hidden;
  if (ev.key === 'ArrowDown') {
    ev.preventDefault();
    if (open) highlightOption(active + 1);
    else focusHit(0);
  } else if (ev.key === 'ArrowUp' && open) {
    ev.preventDefault();
    highlightOption(active - 1);
  } else if (ev.key === 'Escape') {
    if (open) {
      ev.preventDefault();
      closeSuggestions();
    }
  } else if (ev.key === 'Enter' && open && active >= 0) {
    ev.preventDefault();
    choose(suggestions.children[active].dataset.query);
  }
});
input.addEventListener('blur', () => setTimeout(closeSuggestions, 100));

$('sokform').addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearTimeout(typeTimer);
  clearTimeout(suggestTimer);
  closeSuggestions();
  go({ ...state, q: input.value, p: 1, stycke: '' }, { push: true });
});

$('hem').addEventListener('click', (ev) => {
  ev.preventDefault();
  input.value = '';
  go({ q: '', kapitel: '', avsnitt: [], fil: '', exakt: false, p: 1, stycke: '' }, { focus: 'q' });
});

// --- keys: "/" to the box, arrows through the hits, Escape closes a passage ---

function hitLinks() {
  return [...list.querySelectorAll('li.hit a.open')];
}

function focusHit(k) {
  const links = hitLinks();
  if (!links.length) return;
  const a = links[Math.max(0, Math.min(k, links.length - 1))];
  a.focus();
  a.closest('li').scrollIntoView({ block: 'nearest' });
}

document.addEventListener('keydown', (ev) => {
  const t = ev.target;
  const inField = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t.isContentEditable;
  if (ev.key === '/' && !inField && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    ev.preventDefault();
    input.focus();
    input.select();
    return;
  }
  if (inField || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const hit = t.closest && t.closest('li.hit');
  if (!hit) return;
  const links = hitLinks();
  const k = links.indexOf(hit.querySelector('a.open'));
  if (ev.key === 'ArrowDown' || ev.key === 'j') {
    ev.preventDefault();
    focusHit(k + 1);
  } else if (ev.key === 'ArrowUp' || ev.key === 'k') {
    ev.preventDefault();
    if (k <= 0) input.focus();
    else focusHit(k - 1);
  } else if (ev.key === 'Escape' && state.stycke === hit.dataset.id) {
    ev.preventDefault();
    go({ ...state, stycke: '' }, { focus: 'hit:' + hit.dataset.id });
  }
});

window.addEventListener('popstate', () => {
  typing = false;
  state = readState();
  input.value = state.q;
  render();
});

input.value = state.q;
render();
if (!state.q && !state.stycke) input.focus();
