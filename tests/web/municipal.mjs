// Browser test of the municipal window's pages (issue 19, /municipal/window)
// in Debian's headless Chromium, driven by playwright-core. Run it through
// run_municipal.sh, which builds the fixture, starts `onshi serve` and passes
// everything in:
//
//   NODE_EXTRA_CA_CERTS=CA node municipal.mjs --base https://127.0.0.1:PORT/ \
//     --cert cert.pem --key key.pem --ca ca.pem --person ID --name 氏名 \
//     --kana 氏名カナ --birth YYYY-MM-DD --stranger ID --artifacts DIR
//
// A clerk finds the resident by name (kanji typed with an ASCII space, then
// the reading in hiragana) and birth date, never by an id; issues a card,
// registers it (利用登録), resets the PIN (a mistyped confirmation first),
// suspends, resumes, tries a renewal that has not opened (refused, in
// Japanese) and reissues — each through its confirmation page, each result
// showing the audit entries it appended. A post that skips the confirmation
// or comes from another origin is refused, another municipality's resident
// is refused, and a browser without the window's certificate gets a Japanese
// page. TLS trust as in insurer_report.mjs (Playwright's client-certificate
// proxy verifies the server against the project CA via NODE_EXTRA_CA_CERTS;
// the context without a certificate pins the verified key in Chromium).

import { parseArgs } from 'node:util';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

function fail(message) {
  console.error(`municipal: FAIL: ${message}`);
  process.exit(1);
}

const { values: opt } = parseArgs({
  options: Object.fromEntries(['base', 'cert', 'key', 'ca', 'person', 'name', 'kana', 'birth', 'stranger', 'artifacts']
    .map((k) => [k, { type: 'string' }])),
});
for (const k of ['base', 'cert', 'key', 'ca', 'person', 'name', 'kana', 'birth', 'stranger', 'artifacts']) {
  if (!opt[k]) fail(`missing --${k}`);
}
if (process.env.NODE_EXTRA_CA_CERTS !== opt.ca) fail(`run with NODE_EXTRA_CA_CERTS=${opt.ca}`);
const base = new URL(opt.base);
const origin = base.origin;
mkdirSync(opt.artifacts, { recursive: true });

const failures = [];
function check(ok, message) {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
}
const screenshots = [];
async function shoot(page, name) {
  const path = join(opt.artifacts, name);
  await page.screenshot({ path, fullPage: true });
  const png = readFileSync(path);
  check(png.length > 1000 && png.subarray(1, 4).toString() === 'PNG', `screenshot ${path} is a PNG of ${png.length} bytes`);
  screenshots.push(path);
}

function verifiedServerSpki() {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: base.hostname, port: Number(base.port || 443), ca: readFileSync(opt.ca), rejectUnauthorized: true });
    socket.once('secureConnect', () => {
      const spki = socket.getPeerX509Certificate().publicKey.export({ type: 'spki', format: 'der' });
      socket.destroy();
      resolve(createHash('sha256').update(spki).digest('base64'));
    });
    socket.once('error', reject);
    socket.setTimeout(10000, () => socket.destroy(new Error('TLS connect timed out')));
  });
}

const toHiragana = (s) => s.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
const personPath = `municipal/window/persons/${opt.person}`;

// The audit actions a result page lists (#audit-entries rows).
async function appendedActions(page) {
  return page.locator('#audit-entries tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.action));
}

// From the person's page: the action's link (of `card`, if given), its
// confirmation page, the PINs, 実行する; returns the result page's status.
async function act(page, action, { card, pin, pin2, shot } = {}) {
  await page.goto(new URL(personPath, base).href);
  const scope = card ? page.locator(`#cards tr[data-card="${card}"]`) : page;
  const link = scope.locator(`a.action[data-action="${action}"]`);
  check(await link.count() === 1, `${action}: the person's page links it${card ? ` for card ${card}` : ''}`);
  await Promise.all([page.waitForURL(/\/confirm\?/), link.click()]);
  check((await page.locator('#action-name').textContent()).length > 0 && await page.locator('form#confirm').count() === 1,
        `${action}: a confirmation page (${await page.locator('#action-name').textContent()}) comes first`);
  if (pin !== undefined) await page.locator('#pin').fill(pin);
  if (pin2 !== undefined) await page.locator('#pin2').fill(pin2);
  if (shot) await shoot(page, shot);
  const [resp] = await Promise.all([page.waitForNavigation(), page.locator('#do').click()]);
  return resp?.status();
}

async function main() {
  let spki;
  try {
    spki = await verifiedServerSpki();
  } catch (e) {
    fail(`server certificate at ${origin} does not verify against ${opt.ca}: ${e.message}`);
  }
  const args = [`--ignore-certificate-errors-spki-list=${spki}`];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args, timeout: 60000 });
  try {
    console.log(`municipal: ${CHROMIUM} ${browser.version()} against ${origin}`);
    const clerk = await browser.newContext({
      clientCertificates: [{ origin, certPath: opt.cert, keyPath: opt.key }],
      ignoreHTTPSErrors: false, locale: 'ja-JP', viewport: { width: 1300, height: 900 },
    });
    const page = await clerk.newPage();
    page.setDefaultTimeout(20000);
    const csp = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });

    // --- search by name and birth date ----------------------------------------
    const search = await page.goto(new URL('municipal/window', base).href);
    check(search?.status() === 200 && /^text\/html/.test(search.headers()['content-type'] ?? ''), `GET /municipal/window: ${search?.status()}`);
    const typed = opt.name.replace('\u3000', ' ');
    await page.locator('#name').fill(typed);
    await page.locator('#birth_date').fill(opt.birth);
    await Promise.all([page.waitForURL(/name=/), page.locator('#find').click()]);
    const found = page.locator('#results tbody tr');
    const texts = await found.allTextContents();
    check(texts.some((t) => t.includes(opt.name)), `"${typed}" born ${opt.birth} finds ${opt.name} (${texts.length} row(s))`);
    await shoot(page, 'municipal-search.png');
    await page.goto(new URL(`municipal/window?name=${encodeURIComponent(toHiragana(opt.kana))}&birth_date=${opt.birth}`, base).href);
    check((await page.locator('#results').textContent() ?? '').includes(opt.name), `the reading in hiragana (${toHiragana(opt.kana)}) finds them too`);
    const dayAfter = new Date(Date.parse(opt.birth) + 86400000).toISOString().slice(0, 10);
    await page.goto(new URL(`municipal/window?name=${encodeURIComponent(typed)}&birth_date=${dayAfter}`, base).href);
    check(await page.locator('#no-result').count() === 1, `another birth date (${dayAfter}) finds nobody`);

    // Choosing the row opens the person's page.
    await page.goto(new URL(`municipal/window?name=${encodeURIComponent(typed)}&birth_date=${opt.birth}`, base).href);
    const row = page.locator('#results tbody tr', { hasText: opt.name });
    await Promise.all([page.waitForURL(/\/persons\/\d+$/), row.locator('a.choose').first().click()]);
    check(page.url().endsWith(`/persons/${opt.person}`), `choosing the row opens the person's page (${page.url()})`);
    check((await page.locator('#person-name').textContent()) === opt.name, 'the page shows the person');
    check(await page.locator('#no-card').count() === 1, 'no card yet');

    // --- 交付 ---------------------------------------------------------------------
    let status = await act(page, 'issue', { pin: '1234', pin2: '1234', shot: 'municipal-confirm-issue.png' });
    check(status === 200 && await page.locator('#done').count() === 1, `issue: HTTP ${status}, done`);
    let actions = await appendedActions(page);
    check(actions.includes('card.issue'), `issue: its audit entry is shown (${actions.join(', ')})`);
    await shoot(page, 'municipal-issue-result.png');
    await page.goto(new URL(personPath, base).href);
    const card = await page.locator('#cards tbody tr').first().getAttribute('data-card');
    check(!!card, `the person's page lists card ${card}`);

    // --- 利用登録 -------------------------------------------------------------------
    status = await act(page, 'register', { card, pin: '1234' });
    actions = await appendedActions(page);
    check(status === 200 && actions.includes('card.insurance_registration'), `利用登録: HTTP ${status}, audit ${actions.join(', ')}`);
    await page.goto(new URL(personPath, base).href);
    check((await page.locator(`#cards tr[data-card="${card}"] td.registered`).textContent()).match(/^\d{4}-\d{2}-\d{2}$/) !== null,
          'the card shows its 利用登録 date');

    // --- 暗証番号の初期化: a mistyped confirmation first -----------------------------
    status = await act(page, 'pin-reset', { card, pin: '5678', pin2: '5679' });
    check(status === 400 && await page.locator('#pin-mismatch').count() === 1, `pin-reset with two different PINs: HTTP ${status}, refused`);
    status = await act(page, 'pin-reset', { card, pin: '5678', pin2: '5678' });
    actions = await appendedActions(page);
    check(status === 200 && actions.includes('card.pin_reset'), `pin-reset: HTTP ${status}, audit ${actions.join(', ')}`);

    // --- 一時利用停止, 解除 ------------------------------------------------------------
    status = await act(page, 'suspend', { card });
    actions = await appendedActions(page);
    check(status === 200 && actions.includes('card.suspend'), `suspend: HTTP ${status}, audit ${actions.join(', ')}`);
    await page.goto(new URL(personPath, base).href);
    check((await page.locator(`#cards tr[data-card="${card}"]`).getAttribute('data-status')) === 'suspended', 'the card is suspended');
    status = await act(page, 'resume', { card });
    actions = await appendedActions(page);
    check(status === 200 && actions.includes('card.resume'), `resume: HTTP ${status}, audit ${actions.join(', ')}`);

    // --- 更新 before it opens: refused, in Japanese ------------------------------------
    status = await act(page, 'renew', { card });
    const refusal = (await page.locator('#refused').textContent()) ?? '';
    check(status === 409 && /[ぁ-んァ-ン一-龥]/.test(refusal), `renew before it opens: HTTP ${status}, "${refusal}"`);
    await shoot(page, 'municipal-renew-refused.png');

    // --- 再交付 ------------------------------------------------------------------------
    status = await act(page, 'reissue', { card, pin: '2468', pin2: '2468' });
    actions = await appendedActions(page);
    check(status === 200 && actions.includes('card.reissue'), `reissue: HTTP ${status}, audit ${actions.join(', ')}`);
    await page.goto(new URL(personPath, base).href);
    check((await page.locator(`#cards tr[data-card="${card}"]`).getAttribute('data-status')) === 'revoked', 'the old card is revoked');
    const cards = await page.locator('#cards tbody tr').count();
    check(cards === 2, `the person now has ${cards} cards listed (old and new)`);
    check(await page.locator('#recent-audit tbody tr').count() > 0, 'the person page shows recent audit entries');
    await shoot(page, 'municipal-person.png');
    check(csp.length === 0, `no CSP violation reported (${csp.join('; ')})`);

    // --- refusals: no confirmation, another origin, another municipality's resident ---
    const bare = await clerk.request.post(new URL(`${personPath}/act`, base).href, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, data: 'action=suspend&card=' + card,
    });
    check(bare.status() === 400, `a post without the confirmation step: HTTP ${bare.status()}`);
    const forged = await clerk.request.post(new URL(`${personPath}/act`, base).href, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
      data: 'action=suspend&confirm=yes&card=' + card,
    });
    check(forged.status() === 403, `a post from another origin: HTTP ${forged.status()}`);
    const stranger = await page.goto(new URL(`municipal/window/persons/${opt.stranger}`, base).href);
    check(stranger?.status() === 403 && await page.locator('#not-resident').count() === 1,
          `another municipality's resident: HTTP ${stranger?.status()}, refused`);
    await clerk.close();

    // --- no certificate: a Japanese page -------------------------------------------------
    const anon = await browser.newContext({ ignoreHTTPSErrors: false, locale: 'ja-JP' });
    const anonPage = await anon.newPage();
    const denied = await anonPage.goto(new URL('municipal/window', base).href);
    check(denied?.status() === 401 && /^text\/html/.test(denied.headers()['content-type'] ?? ''),
          `without a certificate: HTTP ${denied?.status()} ${denied?.headers()['content-type']}`);
    check(((await anonPage.locator('#certificate-problem').textContent()) ?? '').includes('市区町村窓口のクライアント証明書が必要です'),
          'the page says in Japanese that the window certificate is needed');
    await shoot(anonPage, 'municipal-no-certificate.png');
    await anon.close();
  } finally {
    await browser.close();
  }
  for (const p of screenshots) console.log(`municipal: screenshot ${p}`);
  if (failures.length) fail(`${failures.length} check(s) failed:\n  - ${failures.join('\n  - ')}`);
  console.log('municipal: all checks passed');
}

main().catch((e) => fail(e?.stack ?? String(e)));
