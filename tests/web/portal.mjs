// Browser test of the portal (マイナポータル) in Debian's headless Chromium,
// driven by playwright-core, with the card behind pcscd and the reader agent
// (run through run_portal.sh, which sets all of that up):
//   login with the card (a wrong PIN first: the tries left are shown), the
//   session cookie's attributes, 利用登録 in one step (R-REG-2, R-REG-4),
//   資格情報 with the member's keys (R-LINK-7), the PDF download (R-PORT-3:
//   a PDF whose text has the keys), 診療・お薬, 医療費 with the CSV for the
//   医療費控除 and 特定健診 with its chart (issue 18), the access log with the
//   clinic's check and 薬剤情報 read, my own reads and the chain's verification, the reader agent refusing another origin,
//   no CSP violation, landmarks and labelled controls on every page.
//
//   node portal.mjs --base https://127.0.0.1:PORT/ --ca ca.pem --agent http://127.0.0.1:P \
//     --pin 1234 --insurer N --number N --branch NN --clinic-name NAME --artifacts DIR
//
// TLS: the server's key is verified against the project CA with Node and
// pinned in Chromium (--ignore-certificate-errors-spki-list), as
// insurer_report.mjs explains; nothing else is accepted.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

function fail(message) {
  console.error(`portal: FAIL: ${message}`);
  process.exit(1);
}

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' }, ca: { type: 'string' }, agent: { type: 'string' }, pin: { type: 'string' },
    insurer: { type: 'string' }, number: { type: 'string' }, branch: { type: 'string' },
    'clinic-name': { type: 'string' }, artifacts: { type: 'string' },
  },
});
for (const k of ['base', 'ca', 'agent', 'pin', 'insurer', 'number', 'branch', 'clinic-name', 'artifacts']) {
  if (!opt[k]) fail(`missing --${k}`);
}
const base = new URL(opt.base);
const origin = base.origin;
const wrongPin = opt.pin === '0000' ? '1111' : '0000';

const failures = [];
function check(ok, message) {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
}

function verifiedServerSpki() {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: base.hostname, port: Number(base.port || 443), ca: readFileSync(opt.ca), rejectUnauthorized: true,
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

// Landmarks and labels (accessibility): one banner, one main, a named
// navigation on pages behind the login, and a label for every control.
async function checkAccessible(page, name, withNav) {
  const lang = await page.getAttribute('html', 'lang');
  check(lang === 'ja', `${name}: <html lang="ja"> (${lang})`);
  check(await page.locator('header[role=banner], header').count() === 1, `${name}: one banner landmark`);
  check(await page.locator('main').count() === 1, `${name}: one main landmark`);
  if (withNav) {
    check(await page.locator('nav[aria-label]').count() === 1, `${name}: a named navigation landmark`);
    for (const p of ['診療・お薬', '医療費', '特定健診']) {
      check(await page.locator('nav').getByRole('link', { name: p, exact: true }).count() === 1, `${name}: navigation links to ${p}`);
    }
  }
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map((el) => el.id || el.name));
  check(unlabelled.length === 0, `${name}: every control has a label (${unlabelled.join(', ')})`);
  const h1 = await page.locator('h1').count();
  check(h1 === 1, `${name}: one h1 (${h1})`);
}

async function shot(page, name) {
  const path = join(opt.artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const png = readFileSync(path);
  check(png.subarray(1, 4).toString() === 'PNG', `screenshot ${path}`);
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
    console.log(`portal: ${CHROMIUM} ${browser.version()} against ${origin}, agent ${opt.agent}`);
    // Phone-sized first.
    const context = await browser.newContext({
      locale: 'ja-JP', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
      hasTouch: true, acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    const cspViolations = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });

    // --- without a session every page leads to the login ----------------------
    const r0 = await page.goto(new URL('portal/qualification', base).href);
    check(new URL(page.url()).pathname === '/portal/login', `without a session /portal/qualification leads to ${new URL(page.url()).pathname}`);
    check(r0?.status() === 200, `the login page answers 200 (${r0?.status()})`);
    const csp = r0?.headers()['content-security-policy'] ?? '';
    check(/script-src 'self'/.test(csp) && csp.includes(opt.agent) && !/unsafe/.test(csp),
      `the page's CSP allows its own script and the agent only: ${csp}`);

    // --- the card, through the reader agent ----------------------------------
    await page.locator('#status').filter({ hasText: '残り回数' }).waitFor();
    check((await page.locator('#status').textContent()).includes('3回'), `the page reads the card: "${await page.locator('#status').textContent()}"`);
    await checkAccessible(page, 'login', false);
    await shot(page, '01-login');

    // A wrong PIN: refused by the card, one try fewer, said in Japanese.
    await page.getByLabel('利用者証明用電子証明書の暗証番号（数字4桁）').fill(wrongPin);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.locator('#error').filter({ hasText: '暗証番号が違います' }).waitFor();
    const err = await page.locator('#error').textContent();
    check(err.includes('残り回数：2回'), `a wrong PIN shows the tries left: "${err}"`);
    await shot(page, '02-wrong-pin');

    await page.getByLabel('利用者証明用電子証明書の暗証番号（数字4桁）').fill(opt.pin);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/portal/'),
      page.getByRole('button', { name: 'ログイン' }).click(),
    ]);
    check(true, 'logged in with the card: at /portal/');
    const cookies = await context.cookies(new URL('portal/', base).href);
    const session = cookies.find((c) => c.name === 'onshi_portal');
    check(!!session, 'a session cookie was set');
    if (session) {
      check(session.httpOnly && session.secure && session.sameSite === 'Strict',
        `the cookie is HttpOnly, Secure, SameSite=Strict (${session.httpOnly}, ${session.secure}, ${session.sameSite})`);
      check(session.path === '/portal', `the cookie's path is /portal (${session.path})`);
    }
    check((await page.evaluate(() => document.cookie)).indexOf('onshi_portal') < 0, 'the page script cannot read the cookie');

    // --- top: registration status (R-REG-4) ------------------------------------
    check(await page.getByText('未登録').count() >= 1, 'the top page says the card is not registered yet');
    await checkAccessible(page, 'top', true);
    await shot(page, '03-top');

    // --- 利用登録 in one step (R-REG-2) ------------------------------------------
    await page.getByRole('link', { name: '健康保険証利用登録' }).first().click();
    await page.waitForURL((u) => u.pathname === '/portal/registration');
    await checkAccessible(page, 'registration', true);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: '健康保険証として利用登録する' }).click(),
    ]);
    check(page.url().includes('done=1'), `the registration form leads to ${page.url()}`);
    if (!page.url().includes('done=1')) console.log(await page.content());
    check((await page.locator('main').textContent()).includes('健康保険証利用登録が完了しました'), 'registration done in one step');
    check(await page.locator('table').getByText('登録済み').count() >= 1, 'the card is listed as 登録済み');
    check(await page.getByRole('button', { name: '健康保険証として利用登録する' }).count() === 0, 'no second registration offered');
    await shot(page, '04-registration');
    await page.goto(new URL('portal/', base).href);
    check(await page.getByText('マイナ保険証として利用できます').count() === 1, 'the top page now says it is usable as an insurance card');

    // --- 資格情報 (R-LINK-7) --------------------------------------------------------
    await page.getByRole('link', { name: '資格情報', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/portal/qualification');
    const main_ = await page.locator('main').textContent();
    for (const [what, value] of [['保険者番号', opt.insurer], ['番号', opt.number], ['枝番', opt.branch]]) {
      check(main_.includes(value), `資格情報 shows the ${what} ${value}`);
    }
    for (const label of ['一部負担金の割合', '限度額適用区分', '資格取得年月日', '連携状況']) {
      check(main_.includes(label), `資格情報 shows ${label}`);
    }
    await checkAccessible(page, 'qualification', true);
    await shot(page, '05-qualification');

    // --- the PDF (R-PORT-3) ------------------------------------------------------
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a#pdf').click()]);
    const pdfPath = join(opt.artifacts, download.suggestedFilename() || 'shikaku.pdf');
    await download.saveAs(pdfPath);
    const pdf = readFileSync(pdfPath);
    check(pdf.subarray(0, 5).toString() === '%PDF-', `the download ${download.suggestedFilename()} is a PDF (${pdf.length} bytes)`);
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    writeFileSync(join(opt.artifacts, 'shikaku.txt'), text);
    for (const value of [opt.insurer, opt.number, opt.branch, '資格情報']) {
      check(text.includes(value), `pdftotext finds ${value} in the PDF`);
    }

    // --- documents and consents pages --------------------------------------------
    await page.getByRole('link', { name: '交付された書類' }).click();
    await page.waitForURL((u) => u.pathname === '/portal/documents');
    await checkAccessible(page, 'documents', true);
    await shot(page, '06-documents');
    await page.getByRole('link', { name: '同意の記録' }).click();
    await page.waitForURL((u) => u.pathname === '/portal/consents');
    await checkAccessible(page, 'consents', true);

    // --- 診療・お薬, 医療費, 特定健診 (issue 18; R-PORT-1, R-PORT-4) ----------------
    // What run_portal.sh submitted: amlodipine (ノルバスク錠２．５ｍｇ) on
    // 2026-03-02, 入院 300,000円 (paid 80,430円) on 2026-03-20, a 2025 visit,
    // HbA1c and BMI for 2024–2026.
    const fitsPhone = async (name) => {
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      check(w <= 390, `${name}: no sideways scrolling at 390 px (${w})`);
    };
    await page.getByRole('link', { name: '診療・お薬' }).click();
    await page.waitForURL((u) => u.pathname === '/portal/medical');
    const meds = await page.locator('#medicines').textContent();
    check(meds.includes('ノルバスク錠２．５ｍｇ') && meds.includes(opt['clinic-name']),
      'お薬の情報 lists the clinic\'s prescription by name');
    check((await page.locator('#procedures').textContent()).includes('試験用検査'), '診療の情報 lists the procedure');
    check((await page.locator('#diagnoses').textContent()).includes('試験用傷病名Ａ'), '傷病名 listed');
    await checkAccessible(page, 'medical', true);
    await fitsPhone('medical');
    await shot(page, '08-medical');

    await page.getByRole('link', { name: '医療費' }).click();
    await page.waitForURL((u) => u.pathname === '/portal/expenses');
    const march = page.locator('#expenses tbody tr').filter({ hasText: '2026年3月' });
    check(await march.count() === 2, `2026年3月 has a 外来 and a 入院 line (${await march.count()})`);
    const paid = await page.locator('#year-total').getAttribute('data-paid');
    check(paid === String(3600 + 80430), `the 2026 total paid is 84,030円 (${paid})`);
    check((await page.locator('#expenses-by-year').textContent()).includes('2025年'), 'the yearly table has 2025');
    await checkAccessible(page, 'expenses', true);
    await fitsPhone('expenses');
    await shot(page, '09-expenses');
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.locator('a#csv').click()]);
    const csvPath = join(opt.artifacts, csvDownload.suggestedFilename() || 'iryohi.csv');
    await csvDownload.saveAs(csvPath);
    const csv = readFileSync(csvPath);
    check(csv.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'the CSV starts with the UTF-8 BOM');
    const csvText = csv.subarray(3).toString('utf8');
    const csvLines = csvText.split('\r\n');
    check(csvLines[0] === '医療を受けた方の氏名,受診年月,医療機関等名,医療機関等コード,区分,医療費の区分,日数,医療費の総額,支払った医療費の額,補填される金額',
      `the CSV header is the 明細書's columns (${csvLines[0]})`);
    check(csvLines.some((l) => l.includes(`,2026年3月,${opt['clinic-name']},`) && l.includes(',入院,診療・治療,1,300000,80430,')),
      'the CSV has the 入院 line with its amounts');
    check(!/[^\r]\n/.test(csvText), 'the CSV lines end in CRLF');
    await page.goto(new URL('portal/expenses?year=2025', base).href);
    check(await page.locator('#expenses tbody tr').filter({ hasText: '2025年9月' }).count() === 1, '2025 shows its September visit');

    await page.getByRole('link', { name: '特定健診' }).click();
    await page.waitForURL((u) => u.pathname === '/portal/checkups');
    const chart = page.locator('svg#chart-3D046000001906202');
    check(await chart.count() === 1, 'a chart of HbA1c over the years');
    check(await chart.locator('circle.point').count() === 3, 'three years plotted');
    check(await chart.getAttribute('role') === 'img' && (await chart.locator('desc').textContent()).includes('2025年6月 5.9%'),
      'the chart is labelled for screen readers');
    const box = await chart.boundingBox();
    check(box && box.width > 200 && box.width <= 390, `the chart fits the phone (${box && box.width} px wide)`);
    check(await page.locator('svg#chart-9N011000000000001').count() === 1, 'a chart of BMI too');
    check(await page.locator('table#checkup-20260601').getByText('HbA1c（NGSP値）').count() === 1, 'the 2026 results table names the item');
    await checkAccessible(page, 'checkups', true);
    await fitsPhone('checkups');
    await shot(page, '10-checkups');

    // --- the access log -------------------------------------------------------------
    await page.getByRole('link', { name: '閲覧の記録' }).click();
    await page.waitForURL((u) => u.pathname === '/portal/access-log');
    const rows = page.locator('#access-log tbody tr');
    const n = await rows.count();
    check(n >= 1, `the access log has ${n} entries`);
    // The clinic's look-up by 記号・番号 (its 薬剤情報 read is another row).
    const clinicRow = rows.filter({ hasText: opt['clinic-name'] }).filter({ hasText: '記号・番号' });
    check(await clinicRow.count() >= 1, `the clinic ${opt['clinic-name']} is in the access log`);
    if (await clinicRow.count() >= 1) {
      const how = (await clinicRow.first().locator('td.how').textContent()).trim();
      check(how.includes('記号・番号'), `the clinic looked by 記号・番号: "${how}"`);
      check((await clinicRow.first().textContent()).includes('一致'), 'the entry\'s hash matches its content');
    }
    const read = rows.filter({ hasText: '薬剤情報の閲覧' });
    check(await read.count() === 1, `the clinic's 薬剤情報 read is in the access log (${await read.count()})`);
    if (await read.count() === 1) {
      check((await read.first().textContent()).includes('薬剤情報：同意する'), 'with the consent it relied on');
    }
    const own = await page.locator('#own-reads').textContent();
    for (const p of ['診療・お薬の情報', '医療費（CSVのダウンロード）', '特定健診']) {
      check(own.includes(p), `my own read of ${p} is listed`);
    }
    const intact = await page.locator('#verification').getAttribute('data-intact');
    check(intact === 'true', `the chain verifies (data-intact=${intact})`);
    check((await page.locator('#verification').textContent()).includes('改ざんなし'), 'the page says 改ざんなし');
    await checkAccessible(page, 'access log', true);
    await shot(page, '07-access-log');

    // --- the agent answers the portal's origin only ------------------------------
    const other = await fetch(`${opt.agent}/v1/card`, { headers: { Origin: 'https://evil.example' } });
    check(other.status === 403 && !other.headers.get('access-control-allow-origin'),
      `the agent refuses another origin (${other.status}, ACAO=${other.headers.get('access-control-allow-origin')})`);
    const mine = await fetch(`${opt.agent}/v1/card`, { headers: { Origin: origin } });
    check(mine.status === 200 && mine.headers.get('access-control-allow-origin') === origin,
      `the agent answers the portal's origin (${mine.status})`);
    const pinNow = (await mine.json()).pinTriesLeft;
    check(pinNow === 3, `a correct PIN restored the tries (${pinNow})`);

    // --- logout ends the session --------------------------------------------------
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/portal/login'),
      page.getByRole('button', { name: 'ログアウト' }).click(),
    ]);
    await page.goto(new URL('portal/access-log', base).href);
    check(new URL(page.url()).pathname === '/portal/login', 'after logout the pages lead to the login again');
    check(cspViolations.length === 0, `no CSP violation reported (${cspViolations.join('; ')})`);
  } finally {
    await browser.close();
  }
  if (failures.length) fail(`${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
  console.log('portal: all checks passed');
}

main().catch((e) => fail(e.stack || String(e)));
