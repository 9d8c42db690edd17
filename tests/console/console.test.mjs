// The admin console in headless Chromium against a real server (scripts/console-test sets it up):
// sign in with a key, change the config and see the new ETag, provoke a 409 from a second tab
// and resolve it, pin an item and see it first in "Try it", roll back and see it gone, find the
// audit entries, preview a draft's impact on logged requests, refuse a viewer's edit with the
// server's message, create and revoke a key, pin a signal version and unpin it.
// Screenshots of every page go to CONSOLE_SCREENSHOTS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const URL = process.env.CONSOLE_URL;
const ADMIN_KEY = process.env.CONSOLE_ADMIN_KEY;
const VIEWER_KEY = process.env.CONSOLE_VIEWER_KEY;
const SHOTS = process.env.CONSOLE_SCREENSHOTS;
const PINNED = 'item-0123';
const TIMEOUT = 10000;

let browser;
const pageErrors = [];

before(async () => {
  assert.ok(URL && ADMIN_KEY && VIEWER_KEY && SHOTS, 'scripts/console-test sets the environment');
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    protocolTimeout: 30000,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
});

after(async () => { await browser?.close(); });

// A new tab signed in with `key` (each tab keeps its own session storage).
async function signedIn(key, width = 1280) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900 });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
  page.on('dialog', (dialog) => dialog.accept());
  await page.goto(`${URL}/admin/`);
  await page.waitForSelector('#login-tenant');
  await page.type('#login-tenant', 'demo');
  await page.select('#login-kind', 'key');
  await page.type('#login-secret', key);
  await page.click('#login-submit');
  await page.waitForSelector('#overview-status');
  return page;
}

async function go(page, name, selector) {
  await page.evaluate((n) => { location.hash = `#/${n}`; }, name);
  try {
    await page.waitForSelector(selector);
  } catch (error) {  // say what the page shows instead
    const shown = await page.$eval('main', (m) => m.textContent.slice(0, 300)).catch(() => '');
    throw new Error(`${name}: ${error.message}; the page shows: ${shown}`);
  }
}

const text = (page, selector) => page.$eval(selector, (e) => e.textContent);

async function setEditor(page, selector, value) {
  await page.$eval(selector, (e, v) => { e.value = v; }, value);
}

async function configDocument(page) {
  return JSON.parse(await page.$eval('#config-editor', (e) => e.value));
}

// Calls `read` until `done(value)` holds or about five seconds pass; returns the last value.
// Serving picks up admin changes within a second, so the first reads may still see the old state.
async function eventually(read, done) {
  let value = await read();
  for (let i = 0; i < 20 && !done(value); ++i) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

test('the console is served with a strict policy and no inline script', async () => {
  const response = await fetch(`${URL}/admin/`);
  assert.equal(response.status, 200);
  const csp = response.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
  const html = await response.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/);  // every script is a file
  assert.equal((await fetch(`${URL}/admin/nope.js`)).status, 404);
});

test('a wrong key is refused with the server\'s message', async () => {
  const page = await browser.newPage();
  await page.goto(`${URL}/admin/`);
  await page.waitForSelector('#login-tenant');
  await page.type('#login-tenant', 'demo');
  await page.type('#login-secret', 'rk_not-a-key');
  await page.click('#login-submit');
  await page.waitForSelector('[role="alert"]');
  assert.match(await text(page, '[role="alert"]'), /^401/);
  await page.close();
});

test('the overview shows the doctor\'s checks', async () => {
  const page = await signedIn(ADMIN_KEY);
  await page.waitForFunction(() => /dry run/.test(document.querySelector('main').textContent));
  const levels = await page.$$eval('.level', (cells) => cells.map((c) => c.textContent));
  assert.ok(levels.includes('ok'), levels.join(','));
  await page.close();
});

test('a config change shows its new ETag', async () => {
  const page = await signedIn(ADMIN_KEY);
  await shot(page, '01-overview');
  await go(page, 'config', '#config-editor');
  const before = await text(page, '#config-etag');
  const doc = await configDocument(page);
  doc.weights = { ...doc.weights, pop: 2 };
  await setEditor(page, '#config-editor', JSON.stringify(doc, null, 2));
  await page.click('#config-diff');
  await page.waitForSelector('.diff .add');
  await page.click('#config-save');
  await page.waitForFunction((old) => document.querySelector('#config-etag').textContent !== old, {}, before);
  assert.match(await text(page, '[role="status"]'), /Saved: version/);
  await shot(page, '02-config');
  await page.close();
});

test('a server validation error names the field and marks the editor', async () => {
  const page = await signedIn(ADMIN_KEY);
  await go(page, 'config', '#config-editor');
  const doc = await configDocument(page);
  doc.weights = { ...doc.weights, pop: -1 };
  await setEditor(page, '#config-editor', JSON.stringify(doc, null, 2));
  await page.click('#config-save');
  await page.waitForSelector('[role="alert"]');
  assert.match(await text(page, '[role="alert"]'), /^422 .*weights\.pop/);
  assert.equal(await page.$eval('#config-editor', (e) => e.getAttribute('aria-invalid')), 'true');
  await page.close();
});

test('a conflict from a second tab is shown and my change is re-applied on top', async () => {
  const mine = await signedIn(ADMIN_KEY);
  await go(mine, 'config', '#config-editor');
  const theirs = await signedIn(ADMIN_KEY);  // opened second, so in front
  await go(theirs, 'config', '#config-editor');
  const theirDoc = await configDocument(theirs);
  theirDoc.ranking = { ...theirDoc.ranking, mmr_lambda: 0.3 };
  await setEditor(theirs, '#config-editor', JSON.stringify(theirDoc, null, 2));
  await theirs.click('#config-save');
  await theirs.waitForFunction(() => /Saved/.test(document.body.textContent));

  await mine.bringToFront();  // background tabs may be frozen
  const myDoc = await configDocument(mine);
  myDoc.weights = { ...myDoc.weights, cooc: 0.7 };
  await setEditor(mine, '#config-editor', JSON.stringify(myDoc, null, 2));
  await mine.click('#config-save');
  await mine.waitForSelector('#conflict-reapply');
  assert.match(await text(mine, '[role="alert"]'), /Conflict/);
  await shot(mine, '03-config-conflict');
  await mine.click('#conflict-reapply');
  const merged = await configDocument(mine);
  assert.equal(merged.ranking.mmr_lambda, 0.3);  // theirs kept
  assert.equal(merged.weights.cooc, 0.7);        // mine on top
  await mine.click('#config-save');
  await mine.waitForFunction(() => /Saved: version/.test(document.body.textContent));
  await mine.close();
  await theirs.close();
});

async function topItem(page) {
  await go(page, 'try', '#try-send');
  await page.click('#try-send');
  await page.waitForSelector('.try-item, .message.error');
  const error = await page.$('.message.error');
  if (error) throw new Error(`Try it: ${await text(page, '.message.error')}`);
  return text(page, '.try-item');
}

test('a pin rule puts its item first in Try it, and rolling back takes it away', async () => {
  const page = await signedIn(ADMIN_KEY);
  assert.notEqual(await topItem(page), PINNED);
  await go(page, 'rules', '#rule-add');
  await page.click('#rule-add');
  await page.waitForSelector('#rule-action');
  await page.select('#rule-action', 'pin');
  await page.select('#rule-target-type', 'item');
  await page.type('#rule-items', PINNED);
  await page.click('#rule-apply');
  await page.click('#dryrun-run');
  await page.waitForFunction((id) => document.querySelector('#dryrun-result')?.textContent.includes(id), {}, PINNED);
  await page.click('#rules-save');
  await page.waitForFunction(() => /Saved: version/.test(document.body.textContent));
  await shot(page, '04-rules');
  // Serving picks the change up within a second.
  assert.equal(await eventually(() => topItem(page), (top) => top === PINNED), PINNED);
  await shot(page, '05-try-it');

  await go(page, 'versions', 'button[data-version]');
  await page.click('section[aria-label="rules versions"] button[data-version]');
  await page.waitForFunction(() => /Rolled back/.test(document.body.textContent) || document.querySelector('section[aria-label="rules versions"] strong'));
  await go(page, 'versions', 'section[aria-label="rules versions"]');
  await shot(page, '06-versions');
  assert.notEqual(await eventually(() => topItem(page), (top) => top !== PINNED), PINNED);
  await page.close();
});

test('preview impact shows what a draft changes on logged requests, before saving', async () => {
  // Requests to replay, served (and logged) through the public API.
  const headers = { 'X-API-Key': ADMIN_KEY, 'Content-Type': 'application/json' };
  let top;
  for (let i = 0; i < 5; ++i) {
    const r = await fetch(`${URL}/v1/recommend`, { method: 'POST', headers,
      body: JSON.stringify({ surface: 'home', k: 5, user: { user_id: `preview-${i}` } }) });
    assert.equal(r.status, 200);
    top = (await r.json()).items[0].item_id;
  }
  const logged = await eventually(async () => {
    const r = await fetch(`${URL}/v1/admin/tenants/demo/preview`, { method: 'POST', headers,
      body: JSON.stringify({ sample: { last: 5, surface: 'home' } }) });
    return (await r.json()).logged;
  }, (n) => n === 5);
  assert.equal(logged, 5);

  const page = await signedIn(ADMIN_KEY);
  await go(page, 'rules', '#rule-add');
  const etag = await text(page, '#rules-etag');
  await page.click('#rule-add');
  await page.waitForSelector('#rule-action');
  await page.select('#rule-action', 'block');
  await page.select('#rule-target-type', 'item');
  await page.type('#rule-items', top);
  await page.click('#rule-apply');
  await page.$eval('#preview-last', (e) => { e.value = '5'; });
  await page.click('#preview-run');
  await page.waitForSelector('#preview-result');
  assert.equal(await text(page, '#preview-changed'), '100.0 %');
  assert.ok(await page.$('#preview-chart rect'), 'the chart is drawn');
  assert.match(await text(page, '#preview-result'), new RegExp(`Lost most often.*${top}`));
  await shot(page, '11-rules-preview');
  assert.equal(await text(page, '#rules-etag'), etag);  // nothing saved

  await go(page, 'config', '#config-editor');
  const doc = await configDocument(page);
  doc.weights = { ...doc.weights, pop: 0, cooc: 1 };
  await setEditor(page, '#config-editor', JSON.stringify(doc, null, 2));
  await page.click('#preview-run');
  await page.waitForSelector('#preview-result');
  assert.match(await text(page, '#preview-coverage'), /%.*→.*%/);
  await shot(page, '12-config-preview');
  await page.close();
});

test('the audit log finds the changes, filtered by action', async () => {
  const page = await signedIn(ADMIN_KEY);
  await go(page, 'audit', '#audit-results table, #audit-results p');
  await page.type('#audit-action', 'rules.rollback');
  await page.click('#audit-filter');
  // The filtered page replaces the unfiltered one: every row is a rollback.
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('#audit-results tbody td:nth-child(2)')];
    return cells.length > 0 && cells.every((c) => c.textContent === 'rules.rollback');
  });
  await page.$eval('#audit-action', (e) => { e.value = ''; });
  await page.click('#audit-filter');
  await page.waitForFunction(() => /config\.update/.test(document.querySelector('#audit-results').textContent));
  await shot(page, '07-audit');
  await page.close();
});

test('a page left while it loads does not replace the page opened next', async () => {
  const page = await signedIn(ADMIN_KEY);
  await go(page, 'audit', '#audit-filter');
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url().includes('/overview')) setTimeout(() => request.continue(), 1500);
    else request.continue();
  });
  await page.evaluate(() => { location.hash = '#/overview'; });
  await go(page, 'try', '#try-send');
  await new Promise((r) => setTimeout(r, 2500));  // the overview's answer has come by now
  assert.equal(await page.$('#overview-status'), null);
  assert.notEqual(await page.$('#try-send'), null);
  await page.close();
});

test('a viewer\'s edit is refused with the server\'s message', async () => {
  const page = await signedIn(VIEWER_KEY);
  await go(page, 'config', '#config-editor');
  await page.click('#config-save');
  await page.waitForSelector('[role="alert"]');
  assert.match(await text(page, '[role="alert"]'), /^403 .*operator/);
  await go(page, 'keys', '[role="alert"]');
  assert.match(await text(page, '[role="alert"]'), /^403 .*admin/);
  await page.close();
});

test('an admin creates a key, sees it once, and revokes it', async () => {
  const page = await signedIn(ADMIN_KEY);
  await go(page, 'keys', '#key-create');
  await page.type('#key-name', 'from-the-console');
  await page.click('#key-create');
  await page.waitForSelector('#key-secret');
  const key = await text(page, '#key-secret');
  assert.match(key, /^rk_/);
  await shot(page, '08-keys');
  const works = await fetch(`${URL}/v1/admin/tenants/demo/config`, { headers: { 'X-API-Key': key } });
  assert.equal(works.status, 200);
  const rows = await page.$$('tbody tr');
  const revokeButtons = await page.$$('tbody button.danger');
  assert.ok(rows.length >= 3 && revokeButtons.length >= 1);
  await revokeButtons[revokeButtons.length - 1].click();  // the newest key is listed last
  await page.waitForFunction(() => /revoked\./.test(document.querySelector('#key-created').textContent));
  const status = await eventually(
    async () => (await fetch(`${URL}/v1/admin/tenants/demo/config`, { headers: { 'X-API-Key': key } })).status,
    (s) => s !== 200);
  assert.equal(status, 401);
  await page.close();
});

test('a signal version is pinned, shown by the doctor, refused to a viewer, and unpinned', async () => {
  const page = await signedIn(ADMIN_KEY);
  await go(page, 'signals', '#signals-status');
  assert.match(await text(page, '#signals-status'), /Not pinned/);
  const offered = await page.$$eval('button[data-signal-version]', (b) => b.map((x) => x.dataset.signalVersion));
  assert.deepEqual(offered, ['2', '1']);  // scripts/console-test builds twice
  await page.click('button[data-signal-version="1"]');
  await page.waitForFunction(() => /Pinned to version 1/.test(document.querySelector('#signals-status').textContent));
  assert.match(await text(page, '[role="status"]'), /every instance serves signal version 1/);
  assert.match(await text(page, '#signals-status'), /1 newer build/);
  await shot(page, '11-signals-pinned');
  await go(page, 'overview', '#overview-status');
  await page.waitForFunction(() => /pinned to version 1/.test(document.querySelector('main').textContent));

  const viewer = await signedIn(VIEWER_KEY);
  await go(viewer, 'signals', '#signals-unpin');
  await viewer.click('#signals-unpin');
  await viewer.waitForSelector('[role="alert"]');
  assert.match(await text(viewer, '[role="alert"]'), /^403 .*operator/);
  await viewer.close();

  await go(page, 'signals', '#signals-unpin');
  await page.click('#signals-unpin');
  await page.waitForFunction(() => /Not pinned/.test(document.querySelector('#signals-status').textContent));
  const audited = await (await fetch(`${URL}/v1/admin/tenants/demo/audit?action=signals.rollback`,
    { headers: { 'X-API-Key': ADMIN_KEY } })).json();
  assert.equal(audited.entries.length, 1);
  await page.close();
});

test('every page renders at a phone width, and no page logged an error', async () => {
  const page = await signedIn(ADMIN_KEY, 390);
  await go(page, 'reports', 'tbody button');
  await page.click('tbody button');
  await page.waitForSelector('iframe.report');
  const frame = await (await page.$('iframe.report')).contentFrame();
  await frame.waitForSelector('#report-title');
  assert.equal(await page.$eval('iframe.report', (f) => f.getAttribute('sandbox')), '');
  await shot(page, '09-reports');
  await go(page, 'overview', '#overview-status');
  await shot(page, '10-overview-phone');
  await page.close();
  assert.deepEqual(pageErrors.filter((e) => !/status of 40[13]|status of 409|status of 422/.test(e)), []);
});
