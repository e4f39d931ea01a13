// Browser test of the insurer's error-report page (GET /insurer/errors) in
// Debian's headless Chromium, driven by playwright-core. Plain Node ESM, no
// test runner: run it through run_insurer_report.sh, which builds the fixture
// database, starts `onshi serve` and passes everything in.
//
//   NODE_EXTRA_CA_CERTS=CA node insurer_report.mjs --base https://127.0.0.1:PORT/ \
//     --cert cert.pem --key key.pem --ca ca.pem --insurer-name NAME \
//     --expected-errors N --expected-all M --artifacts DIR \
//     --upload forms.csv --rejected-lines 5,21,...
//
// Issue 19 (screens for people who are not developers): every error text is
// Japanese with its code beside it, the list pages (total, next/previous,
// page size) and the CSV link of a page holds exactly that page's rows, the
// "all" view is linked, the Shift_JIS CSV is labelled Windows-31J and
// decodes to the UTF-8 one, the upload form imports a file and shows the
// lines refused at reading with their line numbers, and a browser without
// the certificate gets a Japanese page (an API client still gets problem
// details). Screenshots go to DIR (kept as test artifacts) and are listed.
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
import { readFileSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
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
    artifacts: { type: 'string' },
    upload: { type: 'string' },
    'rejected-lines': { type: 'string' },
  },
});
for (const k of ['base', 'cert', 'key', 'ca', 'insurer-name', 'expected-errors', 'expected-all', 'artifacts',
                 'upload', 'rejected-lines']) {
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

mkdirSync(opt.artifacts, { recursive: true });
const screenshots = [];
async function shoot(page, name) {
  const path = join(opt.artifacts, name);
  await page.screenshot({ path, fullPage: true });
  const png = readFileSync(path);
  check(png.length > 1000 && png.subarray(1, 4).toString() === 'PNG', `screenshot ${path} is a PNG of ${png.length} bytes`);
  screenshots.push(path);
}
const expectedRejected = opt['rejected-lines'].split(',').filter((x) => x !== '').map(Number);
if (expectedRejected.length < 1) fail('the upload fixture needs at least one line refused at reading');

// Japanese text: no run of three or more lowercase ASCII letters outside
// <code> (the machine codes) — "does not match" or "is required" would be
// caught; a format hint such as YYYYMMDD is not English prose.
async function englishOutsideCode(locator) {
  return locator.evaluateAll((els) => els.map((el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('code').forEach((c) => c.remove());
    return copy.textContent;
  }).filter((t) => /[a-z]{3,}/.test(t)));
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

    // Every error text Japanese, each with a known code next to it.
    const items = page.locator('#submissions ul.errors li');
    const nItems = await items.count();
    check(nItems >= expectedErrors, `${nItems} error texts for ${expectedErrors} registration errors`);
    const codes = await items.evaluateAll((els) => els.map((e) => e.dataset.code));
    check(codes.every((c) => c && c !== 'other'), `every error has a known code (${[...new Set(codes)].join(', ')})`);
    const shownCodes = await items.locator('code').allTextContents();
    check(shownCodes.join() === codes.join(), 'each error shows its code beside the text');
    const english = await englishOutsideCode(items);
    check(english.length === 0, `no English in the error texts (${english.join(' | ')})`);
    const body = await page.locator('body').textContent();
    check(!/does not match|resident registry/.test(body), 'the page does not show the English reasons');
    const fieldLabels = await page.locator('#submissions td.fields').allTextContents();
    check(fieldLabels.every((t) => !/[a-z_]{3,}/.test(t)), `error fields in Japanese (${fieldLabels.join(' | ')})`);
    check(await page.locator('a#view-all').count() === 1, 'the "all" view is linked (a#view-all)');
    await shoot(page, 'insurer-errors.png');

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

    // The link from the errors view reaches the same "all" view.
    await page.goto(errorsUrl);
    await Promise.all([page.waitForURL(/state=all/), page.locator('a#view-all').click()]);
    check((await page.locator('#total').textContent())?.trim() === String(expectedAll),
          `a#view-all leads to all ${expectedAll} submissions`);

    // --- paging: a small page size walks every submission once ---------------
    const per = 7;
    const expectedPages = Math.ceil(expectedAll / per);
    check(expectedPages >= 3, `${expectedAll} submissions make ${expectedPages} pages of ${per}`);
    await page.goto(new URL(`insurer/errors?state=all&per_page=${per}`, base).href);
    const seen = [];
    for (let p = 1; p <= expectedPages; ++p) {
      const ids = await rowsOf(page).evaluateAll((trs) => trs.map((tr) => tr.cells[0].textContent.trim()));
      const want = p < expectedPages ? per : expectedAll - per * (expectedPages - 1);
      check(ids.length === want, `page ${p}: ${ids.length} rows, expected ${want}`);
      check((await page.locator('#page').first().textContent()).includes(`${p} / ${expectedPages}`), `page ${p} says "${p} / ${expectedPages}"`);
      check((await page.locator('#total').textContent()).trim() === String(expectedAll), `page ${p}: total ${expectedAll}`);
      check((await page.locator('a#prev').count() > 0) === (p > 1), `page ${p}: a previous-page link only after page 1`);
      check((await page.locator('a#next').count() > 0) === (p < expectedPages), `page ${p}: a next-page link only before the last`);
      if (p === 2) {
        await shoot(page, 'insurer-all-page2.png');
        // This page's CSV holds exactly this page's rows.
        const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('a#csv').click()]);
        const path = join(downloads, 'page2.csv');
        await dl.saveAs(path);
        const csvIds = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split('\r\n').slice(1)
          .filter((l) => l !== '').map((l) => l.split(',')[0]);
        check(csvIds.join() === ids.join(), `page 2's CSV has exactly its rows (${csvIds.join(' ')})`);
        // The Shift_JIS CSV of the same rows: labelled Windows-31J (CP932),
        // and the same text once decoded.
        const sjisHref = await page.locator('a#csv-sjis').getAttribute('href');
        const sj = await insurer.request.get(new URL(sjisHref, page.url()).href);
        check(sj.headers()['content-type'] === 'text/csv;charset=Windows-31J', `Shift_JIS CSV labelled ${sj.headers()['content-type']}`);
        const decoded = new TextDecoder('shift_jis').decode(await sj.body());
        check(decoded === readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), 'the Windows-31J CSV decodes to the UTF-8 CSV of the page');
      }
      seen.push(...ids);
      if (p < expectedPages) await Promise.all([page.waitForURL(/page=/), page.locator('a#next').first().click()]);
    }
    check(new Set(seen).size === expectedAll && seen.length === expectedAll,
          `the pages together list each of the ${expectedAll} submissions once (${seen.length} rows, ${new Set(seen).size} distinct)`);
    await Promise.all([page.waitForURL(/page=/), page.locator('a#prev').first().click()]);
    check((await page.locator('#page').first().textContent()).includes(`${expectedPages - 1} / `), 'a#prev goes back one page');

    // --- upload: the form imports a file and shows what it refused -------------
    await page.goto(errorsUrl);
    await page.locator('#file').setInputFiles(opt.upload);
    const [result] = await Promise.all([page.waitForNavigation(), page.locator('#send').click()]);
    check(result?.status() === 200, `upload through the form: HTTP ${result?.status()}`);
    check((await page.locator('#result').textContent()).includes('受け付けました'), 'the result page says the file was received');
    const rejectedRows = page.locator('#rejected-lines tbody tr');
    const refused = await rejectedRows.locator('td.line').allTextContents();
    check(refused.map(Number).join() === expectedRejected.join(),
          `lines refused at reading shown with their numbers: ${refused.join(',')} (expected ${expectedRejected.join(',')})`);
    check((await page.locator('#rejected').textContent()).trim() === String(expectedRejected.length),
          `the count of refused lines is ${expectedRejected.length}`);
    const rejectedCodes = await rejectedRows.evaluateAll((trs) => trs.map((tr) => tr.dataset.code));
    check(rejectedCodes.every((c) => c && c !== 'other'), `every refused line has a known code (${rejectedCodes.join(', ')})`);
    const englishRejected = await englishOutsideCode(rejectedRows);
    check(englishRejected.length === 0, `refused lines explained in Japanese (${englishRejected.join(' | ')})`);
    await shoot(page, 'insurer-upload-result.png');
    await insurer.close();

    // --- nobody: no client certificate ---------------------------------------
    const anon = await browser.newContext({ ignoreHTTPSErrors: false, locale: 'ja-JP' });
    const anonPage = await anon.newPage();
    anonPage.setDefaultTimeout(15000);
    const denied = await anonPage.goto(errorsUrl);
    check(denied?.status() === 401, `GET /insurer/errors without a certificate: HTTP ${denied?.status()}, expected 401`);
    check(/^text\/html/.test(denied?.headers()['content-type'] ?? ''),
          `a browser gets a page (${denied?.headers()['content-type']})`);
    check((await anonPage.locator('#certificate-problem').textContent() ?? '').includes('保険者のクライアント証明書が必要です'),
          'the page says in Japanese that the insurer certificate is needed');
    check(await anonPage.locator('#submissions').count() === 0, 'no submissions table without a certificate');
    await shoot(anonPage, 'insurer-no-certificate.png');
    const api = await anon.request.get(errorsUrl, { headers: { Accept: 'application/json' } });
    check(api.status() === 401 && /problem\+json/.test(api.headers()['content-type'] ?? ''),
          `an API client still gets problem+json (${api.status()} ${api.headers()['content-type']})`);
    await anon.close();
  } finally {
    await browser.close();
    rmSync(downloads, { recursive: true, force: true });
  }

  if (failures.length) fail(`${failures.length} check(s) failed:\n  - ${failures.join('\n  - ')}`);
  for (const p of screenshots) console.log(`insurer_report: screenshot ${p}`);
  console.log('insurer_report: all checks passed');
}

main().catch((e) => fail(e?.stack ?? String(e)));
