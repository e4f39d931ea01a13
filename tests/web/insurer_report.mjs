// Browser test of the insurer's error-report page (GET /insurer/errors) in
// Debian's headless Chromium, driven by playwright-core. Plain Node ESM, no
// test runner: run it through run_insurer_report.sh, which builds the fixture
// database, starts `onshi serve` and passes everything in.
//
//   NODE_EXTRA_CA_CERTS=CA node insurer_report.mjs --base https://127.0.0.1:PORT/ \
//     --cert cert.pem --key key.pem --ca ca.pem --insurer-name NAME \
//     --expected-errors N --expected-all M --screenshot out.png
//
// TLS trust (no blanket ignoreHTTPSErrors anywhere):
//  * With clientCertificates, Playwright routes the context through a proxy in
//    this Node process: the proxy makes the real TLS connection to onshi (with
//    the client certificate) and verifies the server's certificate with Node's
//    default trust store unless ignoreHTTPSErrors is set. NODE_EXTRA_CA_CERTS
//    adds the project CA to that store (Node reads it only at start-up, hence
//    the environment variable), so the server's chain and its IP:127.0.0.1
//    name are checked for real. Chromium itself only ever sees Playwright's
//    own proxy certificate there, which Playwright tells it to accept.
//  * The context without client certificates talks TLS to onshi directly, and
//    Chromium has no option for an extra CA. So before launching, this script
//    connects once with Node, verifying the server against the project CA,
//    and pins exactly that verified key in Chromium with
//    --ignore-certificate-errors-spki-list. Any other certificate is refused.
//
// playwright-core is pinned to 1.61.1, the last release that runs on Node 18
// (Debian 12's nodejs is 18.20); 1.62 and later refuse to start below Node 20.

import { parseArgs } from 'node:util';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

function fail(message) {
  console.error(`insurer_report: FAIL: ${message}`);
  process.exit(1);
}

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    ca: { type: 'string' },
    'insurer-name': { type: 'string' },
    'expected-errors': { type: 'string' },
    'expected-all': { type: 'string' },
    screenshot: { type: 'string' },
  },
});
for (const k of ['base', 'cert', 'key', 'ca', 'insurer-name', 'expected-errors', 'expected-all', 'screenshot']) {
  if (!opt[k]) fail(`missing --${k}`);
}
const base = new URL(opt.base);
const origin = base.origin;
const expectedErrors = Number(opt['expected-errors']);
const expectedAll = Number(opt['expected-all']);
if (!Number.isInteger(expectedErrors) || !Number.isInteger(expectedAll)) fail('expected counts must be integers');
// A fixture without registration errors would make the row checks vacuous.
if (expectedErrors < 1) fail(`fixture has ${expectedErrors} registration errors; need at least one`);
if (expectedAll <= expectedErrors) fail(`fixture has ${expectedAll} submissions, not more than the ${expectedErrors} errors`);
if (process.env.NODE_EXTRA_CA_CERTS !== opt.ca) {
  fail(`run with NODE_EXTRA_CA_CERTS=${opt.ca} so Playwright's client-certificate proxy trusts the project CA`);
}

const failures = [];
function check(ok, message) {
  if (ok) {
    console.log(`  ok   ${message}`);
  } else {
    console.log(`  FAIL ${message}`);
    failures.push(message);
  }
}

// Connects with Node, verifying the server against the project CA (chain and
// IP/host name), and returns the base64 SHA-256 of its SubjectPublicKeyInfo.
function verifiedServerSpki() {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: base.hostname,
      port: Number(base.port || 443),
      ca: readFileSync(opt.ca),
      servername: /^[0-9.]+$|:/.test(base.hostname) ? undefined : base.hostname,
      rejectUnauthorized: true,
    });
    socket.once('secureConnect', () => {
      const spki = socket.getPeerX509Certificate().publicKey.export({ type: 'spki', format: 'der' });
      socket.destroy();
      resolve(createHash('sha256').update(spki).digest('base64'));
    });
    socket.once('error', reject);
    socket.setTimeout(10000, () => socket.destroy(new Error('TLS connect timed out')));
  });
}

const rowsOf = (page) => page.locator('#submissions tbody tr');

async function main() {
  let spki;
  try {
    spki = await verifiedServerSpki();
  } catch (e) {
    fail(`server certificate at ${origin} does not verify against ${opt.ca}: ${e.message}`);
  }
  console.log(`insurer_report: server key verified against the project CA (spki sha256 ${spki})`);

  const args = [`--ignore-certificate-errors-spki-list=${spki}`];
  if (process.getuid?.() === 0) args.push('--no-sandbox'); // Chromium refuses its sandbox as root
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args, timeout: 60000 });
  const downloads = mkdtempSync(join(tmpdir(), 'onshi-web-'));
  try {
    console.log(`insurer_report: ${CHROMIUM} ${browser.version()} against ${origin}`);

    // --- the insurer, with its client certificate ---------------------------
    const insurer = await browser.newContext({
      clientCertificates: [{ origin, certPath: opt.cert, keyPath: opt.key }],
      ignoreHTTPSErrors: false,
      acceptDownloads: true,
      locale: 'ja-JP',
      viewport: { width: 1400, height: 900 },
    });
    const page = await insurer.newPage();
    page.setDefaultTimeout(15000);

    // Issue 15: the page runs under a strict Content-Security-Policy; any
    // violation Chromium reports is a failure.
    const cspViolations = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const errorsUrl = new URL('insurer/errors', base).href;
    const resp = await page.goto(errorsUrl);
    if (!resp) fail(`no response for ${errorsUrl}`);
    if (resp.status() !== 200) {
      fail(`GET ${errorsUrl} with the insurer certificate: HTTP ${resp.status()}: ${(await resp.text()).slice(0, 400)}`);
    }
    check(true, `GET /insurer/errors with the insurer certificate: HTTP 200`);
    check(/^text\/html/.test(resp.headers()['content-type'] ?? ''), `content-type is text/html (${resp.headers()['content-type']})`);
    const title = await page.title();
    check(title.includes(opt['insurer-name']), `title "${title}" contains "${opt['insurer-name']}"`);

    const rows = rowsOf(page);
    const n = await rows.count();
    check(n === expectedErrors, `table has ${n} rows, expected ${expectedErrors} registration errors`);
    for (let i = 0; i < n; ++i) {
      const row = rows.nth(i);
      const state = await row.getAttribute('data-state');
      const id = (await row.locator('td').first().textContent())?.trim();
      check(state === 'registration_error', `row ${i + 1} (${id}) data-state="${state}"`);
      const fields = row.locator('td.fields');
      const nFields = await fields.count();
      const text = nFields === 1 ? (await fields.textContent()).trim() : '';
      check(nFields === 1 && text !== '', `row ${i + 1} (${id}) error-field cell "${text}" is non-empty`);
    }
    const count = (await page.locator('#count').textContent())?.trim();
    check(count === String(expectedErrors), `#count says ${count}, expected ${expectedErrors}`);
    // Personal data: not cached, not sniffed, nothing loaded or run but the
    // page's own inline style (allowed by its hash, and applied).
    const headers = resp.headers();
    check(headers['cache-control'] === 'no-store', `Cache-Control: ${headers['cache-control']}`);
    check(headers['x-content-type-options'] === 'nosniff', `X-Content-Type-Options: ${headers['x-content-type-options']}`);
    const csp = headers['content-security-policy'] ?? '';
    check(csp.startsWith("default-src 'none'") && /style-src 'sha256-/.test(csp) && !/unsafe/.test(csp),
          `Content-Security-Policy: ${csp}`);
    if (n > 0) {
      const bg = await rows.first().evaluate((el) => getComputedStyle(el).backgroundColor);
      check(bg === 'rgb(255, 238, 238)', `a registration-error row is shaded by the page's style under the CSP (${bg})`);
    }
    check(cspViolations.length === 0, `no CSP violation reported (${cspViolations.join('; ')})`);

    await page.screenshot({ path: opt.screenshot, fullPage: true });
    const png = readFileSync(opt.screenshot);
    check(png.length > 1000 && png.subarray(1, 4).toString() === 'PNG',
          `screenshot ${opt.screenshot} is a PNG of ${png.length} bytes`);

    // The CSV link downloads the same list.
    const csvLink = page.locator('a#csv');
    check(await csvLink.count() === 1, 'page has one a#csv link');
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    const failure = await download.failure();
    if (failure) fail(`CSV download (${download.url()}) failed: ${failure}`);
    const csvPath = join(downloads, download.suggestedFilename() || 'errors.csv');
    await download.saveAs(csvPath);
    const csv = readFileSync(csvPath);
    check(csv.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), `CSV ${download.suggestedFilename()} starts with a UTF-8 BOM`);
    const lines = csv.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
    check(lines[0]?.split(',')[0] === '受付番号', `CSV header starts with 受付番号: "${lines[0]}"`);
    check(lines.length - 1 === expectedErrors, `CSV has ${lines.length - 1} data lines, expected ${expectedErrors}`);

    // ?state=all lists every submission.
    const allUrl = new URL('insurer/errors?state=all', base).href;
    const all = await page.goto(allUrl);
    check(all?.status() === 200, `GET /insurer/errors?state=all: HTTP ${all?.status()}`);
    const nAll = await rowsOf(page).count();
    check(nAll === expectedAll, `?state=all table has ${nAll} rows, expected ${expectedAll} submissions`);
    const nAllErrors = await page.locator('#submissions tbody tr[data-state="registration_error"]').count();
    check(nAllErrors === expectedErrors, `?state=all has ${nAllErrors} registration_error rows, expected ${expectedErrors}`);
    const countAll = (await page.locator('#count').textContent())?.trim();
    check(countAll === String(expectedAll), `?state=all #count says ${countAll}, expected ${expectedAll}`);
    await insurer.close();

    // --- nobody: no client certificate ---------------------------------------
    const anon = await browser.newContext({ ignoreHTTPSErrors: false });
    const anonPage = await anon.newPage();
    anonPage.setDefaultTimeout(15000);
    const denied = await anonPage.goto(errorsUrl);
    check(denied?.status() === 401, `GET /insurer/errors without a certificate: HTTP ${denied?.status()}, expected 401`);
    check(/problem\+json/.test(denied?.headers()['content-type'] ?? ''),
          `401 is problem+json (${denied?.headers()['content-type']})`);
    check(await anonPage.locator('#submissions').count() === 0, 'no submissions table without a certificate');
    await anon.close();
  } finally {
    await browser.close();
    rmSync(downloads, { recursive: true, force: true });
  }

  if (failures.length) fail(`${failures.length} check(s) failed:\n  - ${failures.join('\n  - ')}`);
  console.log('insurer_report: all checks passed');
}

main().catch((e) => fail(e?.stack ?? String(e)));
