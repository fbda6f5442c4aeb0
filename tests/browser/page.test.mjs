// The search page in a real browser: Debian's chromium driven by playwright-core (which
// downloads no browser). Indexes corpus/ and a report holding markup into a temporary database,
// starts searcher --serve on a free loopback port, and uses the page as a reader would, by mouse
// and by keyboard alone. Screenshots go to $SCREENSHOTS (default build/browser-screenshots).
//
//   node --test tests/browser/page.test.mjs     (INDEXER, SEARCHER: the programs; from ctest)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const INDEXER = process.env.INDEXER || join(root, 'build/indexer/indexer');
const SEARCHER = process.env.SEARCHER || join(root, 'build/searcher/searcher');
const SHOTS = process.env.SCREENSHOTS || join(root, 'build/browser-screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let work, server, base, browser;
const serverLog = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'rapportsok-browser-'));
  mkdirSync(join(work, 'corpus'));
  copyFileSync(join(root, 'corpus/manskliga-rattigheter-kazakstan-2011.txt'),
               join(work, 'corpus/manskliga-rattigheter-kazakstan-2011.txt'));
  writeFileSync(join(work, 'corpus/markup.txt'),
    'Rapport med markup\n\n1. Inledning\n\n' +
    'Hamnarbetarna skrev <script>window.pwned = 1</script> och <img src=x onerror="window.pwned = 2"> ' +
    'på skylten vid kajen.\n');
  const ix = spawnSync(INDEXER, ['--quiet', '--db', join(work, 'index'), join(work, 'corpus')], { encoding: 'utf8' });
  assert.equal(ix.status, 0, ix.stderr);
  server = spawn(SEARCHER, ['--serve', '--db', join(work, 'index'), '--listen', '127.0.0.1:0'],
                 { stdio: ['ignore', 'ignore', 'pipe'] });
  base = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error('the server did not start: ' + err)), 20000);
    server.stderr.on('data', (d) => {
      err += d;
      serverLog.push(String(d));
      const m = err.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on('exit', (code) => reject(new Error(`the server exited (${code}): ${err}`)));
  });
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

// A page that fails the test on any script error, dialog, CSP violation or failed request.
async function open(t, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push('script error: ' + e.message));
  // (An API answer of 4xx is shown by the page; the browser logs it as well.)
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push('console: ' + m.text());
  });
  page.on('dialog', (d) => { problems.push('dialog: ' + d.message()); d.dismiss(); });
  page.on('requestfailed', (r) => { if (!/aborted/i.test(r.failure()?.errorText || '')) problems.push('request failed: ' + r.url()); });
  page.on('request', (r) => { if (!r.url().startsWith(base)) problems.push('request elsewhere: ' + r.url()); });
  t.after(async () => {
    await context.close();
    assert.deepEqual(problems, []);
  });
  return page;
}

const api = async (path) => (await fetch(base + path)).json();
const param = (page, name) => new URL(page.url()).searchParams.get(name);

async function results(page) {
  try {
    await page.waitForFunction(() => !document.body.classList.contains('busy') && document.querySelector('#status').textContent !== '');
  } catch (e) {
    // Say what the page was showing, and what the server last did.
    const seen = await page.evaluate(() => ({ url: location.href, busy: document.body.className,
      status: document.querySelector('#status').textContent, focus: document.activeElement.outerHTML.slice(0, 200) }));
    throw new Error(`${e.message}\npage: ${JSON.stringify(seen)}\nserver: ${serverLog.slice(-5).join('')}`);
  }
}

async function typeQuery(page, text) {
  await page.keyboard.press('/');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text, { delay: 25 });
  await page.waitForFunction((q) => new URL(location.href).searchParams.get('q') === q, text);
  await results(page);
}

test('a query typed shows its hits with references and highlights', async (t) => {
  const page = await open(t);
  await page.goto(base + '/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await page.screenshot({ path: join(SHOTS, 'start-desktop-light.png') });
  await typeQuery(page, 'tortyr');
  const first = page.locator('li.hit').first();
  const expected = (await api('/api/search?q=tortyr')).hits[0];
  assert.equal(await first.locator('h3').innerText(), `§${expected.section.number} ${expected.section.title}`);
  const ref = await first.locator('.ref').innerText();
  assert.match(ref, new RegExp(`sida ${expected.page}`));
  assert.match(ref, /manskliga-rattigheter-kazakstan-2011\.txt, rad \d+–\d+/);
  assert.match(ref, /Medborgerliga och politiska rättigheter/);
  assert.deepEqual(await first.locator('mark').allInnerTexts(), ['tortyr']);
  const status = page.locator('#status');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  assert.match(await status.innerText(), /^\d+ träffar för tortyr/);
  await page.screenshot({ path: join(SHOTS, 'results-desktop-light.png') });

  // A phrase is highlighted as one unit.
  await typeQuery(page, '"Högsta domstolen"');
  assert.deepEqual(await page.locator('li.hit').first().locator('mark').allInnerTexts(), ['Högsta domstolen']);

  // "Sökte även" for an expansion; "Visar resultat för" for a correction.
  await typeQuery(page, 'hogsta domstolen');
  assert.match(await page.locator('#forklaring').innerText(), /Sökte även: högsta \(med å, ä, ö av ”hogsta”\)/);
  await typeQuery(page, 'Nasarbajev');
  // A rare word near a frequent one is searched beside it ("Menade du"), or instead of it
  // when nothing is found ("Visar resultat för").
  assert.match(await page.locator('#forklaring').innerText(), /Menade du nazarbajev\?|Visar resultat för Nazarbajev/i);
});

test('facets combine and are removed; pages turn; all in the URL', async (t) => {
  const page = await open(t);
  await page.goto(base + '/?q=r%C3%A4tt');
  await results(page);
  const total = (await api('/api/search?q=r%C3%A4tt')).total;
  assert.ok(total > 10);
  // Chapter, then a section within it: the filters combine.
  const chapter = page.locator('#fasett-kapitel .facet').filter({ hasText: 'Medborgerliga' });
  await chapter.click();
  await results(page);
  assert.equal(param(page, 'kapitel'), 'MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER');
  assert.equal(await page.locator('#fasett-kapitel .facet[aria-pressed="true"]').count(), 1);
  const section = page.locator('#fasett-avsnitt .facet').first();
  const number = (await section.locator('.num').innerText()).slice(1);
  await section.click();
  await results(page);
  assert.equal(param(page, 'avsnitt'), number);
  for (const h3 of await page.locator('li.hit h3').allInnerTexts()) assert.ok(h3.startsWith(`§${number} `), h3);
  assert.deepEqual((await page.locator('#aktiva .chip').allInnerTexts()).map((c) => c.replace(/\s*×$/, '')),
    ['Kapitel: Medborgerliga och politiska rättigheter', `Avsnitt §${number}`, 'Rensa alla filter']);
  // Removing the chapter keeps the section.
  await page.locator('#aktiva .chip').first().click();
  await results(page);
  assert.equal(param(page, 'kapitel'), null);
  assert.equal(param(page, 'avsnitt'), number);
  await page.locator('#aktiva .chip').first().click();
  await results(page);
  assert.equal(param(page, 'avsnitt'), null);
  // Page on.
  const firstPage = await page.locator('li.hit a.open').first().getAttribute('data-id');
  await page.locator('#sidor a[rel="next"]').click();
  await results(page);
  assert.equal(param(page, 'p'), '2');
  assert.match(await page.locator('#status').innerText(), /visar 11–20/);
  const second = (await api('/api/search?q=r%C3%A4tt&offset=10')).hits[0].id;
  assert.equal(await page.locator('li.hit a.open').first().getAttribute('data-id'), second);
  assert.notEqual(second, firstPage);
  // Reload: the same view.
  await page.reload();
  await results(page);
  assert.equal(await page.locator('li.hit a.open').first().getAttribute('data-id'), second);
  assert.equal(await page.locator('#sidor [aria-current="page"]').innerText(), '2');
  // Back: page 1 again.
  await page.goBack();
  await results(page);
  assert.equal(param(page, 'p'), null);
  assert.equal(await page.locator('li.hit a.open').first().getAttribute('data-id'), firstPage);
});

test('a passage opens in place with its neighbours; back and a shared link give the same view', async (t) => {
  const page = await open(t);
  await page.goto(base + '/?q=%22H%C3%B6gsta+domstolen%22');
  await results(page);
  const hit = page.locator('li.hit').first();
  const id = await hit.locator('a.open').getAttribute('data-id');
  await hit.locator('a.open').click();
  await page.waitForSelector('li.hit .reader .para.this');
  assert.equal(param(page, 'stycke'), id);
  const context = await api('/api/passage/' + id);
  assert.equal(await hit.locator('.para.this').innerText(), `Stycke ${context.passage.position} · sida ${context.passage.page}\n${context.passage.text}`);
  assert.match(await hit.locator('.para.near').first().innerText(), new RegExp(context.previous.text.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(await hit.locator('.actions').innerText(), /Hela avsnitt §6: Rättssäkerhet och rättsstatsprincipen/);
  await page.screenshot({ path: join(SHOTS, 'passage-desktop-light.png'), fullPage: true });
  // Read on: the next passage becomes the one shown.
  await hit.getByRole('button', { name: 'Nästa stycke ↓' }).click();
  await page.waitForFunction((next) => document.querySelector('.para.this')?.dataset.id === next, context.next.id);
  assert.equal(param(page, 'stycke'), context.next.id);
  assert.match(await page.locator('.para.this').innerText(), new RegExp(context.next.text.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // Back: the first passage again; back again: closed.
  await page.goBack();
  await page.waitForFunction((first) => document.querySelector('.para.this')?.dataset.id === first, id);
  await page.goBack();
  await page.waitForFunction(() => !document.querySelector('.para.this'));
  assert.equal(param(page, 'stycke'), null);
  // The shared link opens the passage alone, in a new page.
  const shared = await open(t);
  await shared.goto(base + '/?stycke=' + id);
  await shared.waitForSelector('.reader.alone .para.this');
  assert.match(await shared.locator('.reader.alone h2').innerText(), /§6 Rättssäkerhet och rättsstatsprincipen/);
  assert.match(await shared.locator('.para.this').innerText(), /Högsta domstolen/);
  // A link to a passage that is gone says so.
  await shared.goto(base + '/?stycke=0000000000000000');
  await shared.waitForSelector('.reader.alone .error');
  assert.match(await shared.locator('.reader.alone .error').innerText(), /Stycket finns inte längre/);
});

test('everything by keyboard alone', async (t) => {
  const page = await open(t);
  await page.goto(base + '/');
  await page.evaluate(() => document.activeElement.blur());
  // "/" focuses the box; completions of the last word, chosen with the arrows and Enter.
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await page.keyboard.type('domstol fäng', { delay: 30 });
  await page.waitForSelector('#forslag li');
  assert.equal(await page.locator('#q').getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('ArrowDown');
  const chosen = await page.locator('#forslag li[aria-selected="true"]').getAttribute('data-query');
  assert.match(chosen, /^domstol fäng\S+$/);
  await page.keyboard.press('Enter');
  await page.waitForFunction((q) => new URL(location.href).searchParams.get('q') === q, chosen);
  await results(page);
  assert.equal(await page.locator('#q').inputValue(), chosen);
  // Arrow keys move through the hits; Enter opens one; Escape closes it.
  await page.keyboard.press('ArrowDown');
  const ids = await page.locator('li.hit a.open').evaluateAll((as) => as.map((a) => a.dataset.id));
  assert.ok(ids.length >= 2);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), ids[0]);
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), ids[1]);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`li.hit[data-id="${ids[1]}"] .para.this`);
  assert.equal(param(page, 'stycke'), ids[1]);
  await page.screenshot({ path: join(SHOTS, 'keyboard-desktop-light.png') });
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('.para.this'));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), ids[1]);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  // Tab order: box, button, what was searched (explanations, filters), facets, then the hits.
  await page.keyboard.press('Escape');
  const order = [];
  for (let k = 0; k < 8 && order[order.length - 1] !== 'facet'; ++k) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.className));
  }
  assert.equal(order[0], 'go');
  assert.equal(order[order.length - 1], 'facet', order.join(' '));
  assert.ok(!order.includes('open'), order.join(' '));
  // A facet chosen by keyboard, and removed by keyboard.
  await page.keyboard.press('Enter');
  await results(page);
  assert.notEqual(param(page, 'kapitel'), null);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-pressed')), 'true');
  await page.keyboard.press('Enter');
  await results(page);
  assert.equal(param(page, 'kapitel'), null);
  // Pages by keyboard: focus the next-page link and press Enter.
  await typeQuery(page, 'rätt');
  await page.locator('#sidor a[rel="next"]').focus();
  await page.keyboard.press('Enter');
  await results(page);
  assert.equal(param(page, 'p'), '2');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'traffar');
});

test('markup in a report is shown as text and never run', async (t) => {
  const page = await open(t);
  await page.goto(base + '/?q=hamnarbetarna');
  await results(page);
  const snippet = page.locator('li.hit .snippet').first();
  assert.match(await snippet.innerText(), /<script>window\.pwned = 1<\/script> och <img src=x onerror="window\.pwned = 2">/);
  assert.equal(await page.locator('li.hit img, li.hit script').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await page.locator('li.hit a.open').first().click();
  await page.waitForSelector('.para.this');
  assert.equal(await page.locator('.reader img, .reader script').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  // The query itself too.
  await page.goto(base + '/?q=' + encodeURIComponent('<img src=x onerror="window.pwned=3">'));
  await results(page);
  assert.equal(await page.locator('main img').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
});

test('no results and errors are explained, with a suggestion', async (t) => {
  const page = await open(t);
  await page.goto(base + '/?q=xyzzyplugh');
  await results(page);
  assert.match(await page.locator('#status').innerText(), /Inga träffar för xyzzyplugh/);
  assert.match(await page.locator('.empty').innerText(), /Pröva färre eller andra ord/);
  await page.goto(base + '/?q=tortyr&avsnitt=20');
  await results(page);
  assert.match(await page.locator('.empty').innerText(), /sök utan filter/);
  await page.locator('.empty').getByRole('button', { name: 'sök utan filter' }).click();
  await results(page);
  assert.equal(param(page, 'avsnitt'), null);
  assert.ok(await page.locator('li.hit').count() > 0);
  await page.goto(base + '/?q=och+att');
  await results(page);
  assert.match(await page.locator('.error').innerText(), /Bara småord/);
  assert.match(await page.locator('.error').innerText(), /fras inom citattecken/);
});

test('screenshots: phone and desktop, light and dark', async (t) => {
  for (const [name, options] of [
    ['phone-light', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'light' }],
    ['phone-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
    ['desktop-dark', { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' }],
  ]) {
    const page = await open(t, options);
    await page.goto(base + '/?q=pressfrihet');
    await results(page);
    // Nothing wider than the screen.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), name);
    await page.screenshot({ path: join(SHOTS, `results-${name}.png`) });
    const id = await page.locator('li.hit a.open').first().getAttribute('data-id');
    await page.locator('li.hit a.open').first().click();
    await page.waitForSelector(`li.hit[data-id="${id}"] .para.this`);
    await page.screenshot({ path: join(SHOTS, `passage-${name}.png`) });
  }
});
