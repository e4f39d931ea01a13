// The kiosk flows in Debian's headless Chromium (playwright-core), against a
// running `onshi terminal --kiosk` whose card reader is a private pcscd with
// vpcd; this script puts each card on the reader by running
// `onshi card emulate` for it. Run through run_kiosk.sh.
//
// Flows (issue 16; the rule each one proves):
//   1. PIN ok, consents 診療・薬剤 yes / 特定健診 no / 手術 yes / 限度額 yes
//      (R-FAC-2, R-FAC-4) → a Face file with exactly those flags, ConsTime
//      and AvailableTime = ConsTime + 24 h on the consented ones only
//   2. face pass: the holder's camera frame against the card's photo → done
//   3. face fail: someone else in front of the camera is refused; staff then
//      switch to 目視 with a reason (R-FAC-3) → done, the reason on the
//      staff screen
//   4. PIN lock: two wrong PINs show the tries left, the third locks the
//      card and sends the patient to the municipal window (R-CARD-5); no
//      Face file
//   5. an unregistered card goes to 利用登録 at the reader (R-REG-3), then on
//      to the consents → done; a 顔認証マイナンバーカード (no PIN) too, on the
//      reader's word after the face match
//   6. a card whose holder's data has not linked yet ends with 資格情報なし and
//      what to tell the patient, without consents or a Face file (R-FAC-6)
//   7. renewal notice (R-CARD-4): a certificate expiring within 3 months
//      shows its expiry and where to renew, and the visit goes on with every
//      consent; an expired one in its 3-month grace shows until when it still
//      works, only the 限度額 question is asked, and the Face file carries no
//      viewing consent
//   8. the staff screen's look-up of a 資格確認書 by its number (R-DOC-9):
//      the holder's keys show 資格(有効) with the qualification and no
//      限度額 unless the patient consented; a wrong birth date shows
//      資格情報なし and what to do; a lost qualification shows 資格(無効);
//      a bad insurer number is refused with what to fix
// and the staff screen lists today's visits with outcome, reason and the
// consents given (R-FAC-6).
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const { values: opt } = parseArgs({
  options: Object.fromEntries(['kiosk', 'onshi', 'issuer-key', 'cards', 'card-a', 'card-b', 'card-c', 'card-d', 'card-e',
    'card-f', 'card-g', 'grace-end', 'lookup-valid', 'lookup-lost', 'vpcd',
    'surface', 'faces', 'face-dir', 'screenshot'].map((k) => [k, { type: 'string' }])),
});
for (const [k, v] of Object.entries(opt)) if (!v) throw new Error(`missing --${k}`);

const failures = [];
function check(ok, message) {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
}

// ---- the card on the reader ---------------------------------------------------

let emulator = null;
async function putCard(id) {
  await takeCard();
  const card = join(opt.cards, `card-${id}.card`);
  emulator = spawn(opt.onshi, ['card', 'emulate', '--card', card, '--issuer-key', opt['issuer-key'],
    '--vpcd', opt.vpcd, '--surface', opt.surface], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    emulator.stdout.on('data', (d) => { if (String(d).includes('served to vpcd')) resolve(); });
    emulator.on('exit', (code) => reject(new Error(`card emulate exited with ${code}`)));
  });
}
async function takeCard() {
  if (!emulator) return;
  const e = emulator;
  emulator = null;
  const gone = new Promise((r) => e.on('exit', r));
  e.kill('SIGTERM');
  await gone;
}

function faceFiles() {
  return existsSync(opt['face-dir']) ? readdirSync(opt['face-dir']).filter((n) => n.endsWith('.xml')).sort() : [];
}
const tag = (xml, name) => {
  const m = xml.match(new RegExp(`<${name}>([^<]*)</${name}>`));
  return m ? m[1] : null;
};

// ---- the browser ----------------------------------------------------------------

async function kioskPage(camera) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${camera}`],
  });
  const context = await browser.newContext({ permissions: ['camera'], viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`  console: ${m.text()}`); });
  await page.goto(opt.kiosk);
  return { browser, page };
}

// Waits for the screen `name`; on a timeout says which screen is up and
// what it says, so a failure explains itself.
async function screen(page, name, timeout = 30000) {
  try {
    await page.waitForSelector(`body[data-screen="${name}"]`, { timeout });
  } catch (e) {
    const now = await page.evaluate(() => {
      const s = document.body.dataset.screen;
      const el = document.getElementById(`s-${s}`);
      return `${s}: ${el ? el.innerText.replace(/\s+/g, ' ') : ''}`;
    });
    throw new Error(`waiting for the ${name} screen, the page shows ${now}`);
  }
}

async function enterPin(page, pin) {
  for (const d of pin) await page.click(`[data-digit="${d}"]`);
  await page.click('#pin-ok');
}

async function consent(page, answers) {
  for (const yes of answers) {
    await screen(page, 'consent');
    const before = await page.textContent('#consent-step');
    await page.click(yes ? '#consent-yes' : '#consent-no');
    await page.waitForFunction((b) => document.body.dataset.screen !== 'consent'
      || document.getElementById('consent-step').textContent !== b, before);
  }
}

// The patient takes the card, then touches 終了: the screen waits for the
// next card.
async function finish(page) {
  await screen(page, 'done', 60000);
  await takeCard();
  await page.click('#done-ok');
  await screen(page, 'waiting');
}
async function leave(page) {
  await screen(page, 'ended');
  await takeCard();
  await page.click('#ended-ok');
  await screen(page, 'waiting');
}

// A Face file appeared for this flow: exactly one new name, whose content
// the caller checks.
function newFaceFile(before) {
  const now = faceFiles();
  const added = now.filter((n) => !before.includes(n));
  check(added.length === 1, `one new Face file (${added.join(', ') || 'none'})`);
  return added.length === 1 ? readFileSync(join(opt['face-dir'], added[0]), 'utf8') : '';
}

const holder = join(opt.faces, 'holder.mjpeg');
const other = join(opt.faces, 'other.mjpeg');

// Whatever happens, the emulator started here does not outlive this script.
process.on('exit', () => { if (emulator) emulator.kill('SIGTERM'); });
process.on('uncaughtException', (e) => {
  console.log(`  FAIL ${e.message}`);
  process.exit(1);
});

let { browser, page } = await kioskPage(holder);
try {
  // 1. PIN, and consents reaching the Face file.
  console.log('kiosk: PIN and consents');
  let before = faceFiles();
  await putCard(opt['card-a']);
  await screen(page, 'identify');
  await page.click('#choose-pin');
  await screen(page, 'pin');
  await page.screenshot({ path: opt.screenshot.replace(/\.png$/, '_pin.png') });
  await enterPin(page, '1234');
  await screen(page, 'consent');
  await page.screenshot({ path: opt.screenshot.replace(/\.png$/, '_consent.png') });
  await consent(page, [true, false, true, true]);
  await finish(page);
  let xml = newFaceFile(before);
  check(tag(xml, 'ReferenceClassification') === '1', 'ReferenceClassification 1');
  check((xml.match(/<ResultOfQualificationConfirmation>/g) || []).length === 1, 'exactly one result');
  check(/^\d{8}$/.test(tag(xml, 'InsuredCardValidDate') || ''), 'InsuredCardValidDate present');
  check(tag(xml, 'PharmacistsInfoConsFlg') === '1' && tag(xml, 'DiagnosisInfoConsFlg') === '1', '診療・薬剤 consented');
  check(tag(xml, 'SpecificHealthCheckupsInfoConsFlg') === '0', '特定健診 refused');
  check(tag(xml, 'SpecificHealthCheckupsInfoConsTime') === null, 'a refused consent has no ConsTime');
  check(tag(xml, 'OperationInfoConsFlg') === '1', '手術 consented');
  check(tag(xml, 'LimitApplicationCertificateRelatedConsFlg') === '1', '限度額 consented');
  const cons = tag(xml, 'PharmacistsInfoConsTime');
  const avail = tag(xml, 'PharmacistsInfoAvailableTime');
  const asDate = (t) => new Date(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}Z`);
  check(cons && avail && asDate(avail) - asDate(cons) === 24 * 3600 * 1000, `AvailableTime = ConsTime + 24 h (${cons} → ${avail})`);

  // 2. Face pass: the holder in front of the camera.
  console.log('kiosk: face pass');
  before = faceFiles();
  await putCard(opt['card-a']);
  await screen(page, 'identify');
  await page.click('#choose-face');
  await screen(page, 'consent', 120000);
  const passDistance = await page.getAttribute('body', 'data-face-distance');
  check(true, `holder matched the card's photo (distance ${passDistance})`);
  await consent(page, [false, false, false, false]);
  await finish(page);
  xml = newFaceFile(before);
  check(tag(xml, 'PharmacistsInfoConsFlg') === '0' && tag(xml, 'LimitApplicationCertificateRelatedConsFlg') === '0',
    'face visit: every consent refused as chosen');

  // 4. PIN lock (R-CARD-5).
  console.log('kiosk: PIN lock');
  before = faceFiles();
  await putCard(opt['card-b']);
  await screen(page, 'identify');
  await page.click('#choose-pin');
  await screen(page, 'pin');
  await enterPin(page, '0000');
  await page.waitForFunction(() => document.getElementById('pin-message').textContent.includes('あと2回'));
  check(true, 'first wrong PIN: 2 tries left shown');
  await enterPin(page, '1111');
  await page.waitForFunction(() => document.getElementById('pin-message').textContent.includes('あと1回'));
  check(true, 'second wrong PIN: 1 try left shown');
  await enterPin(page, '2222');
  await screen(page, 'pin-locked');
  const locked = await page.textContent('#s-pin-locked');
  check(locked.includes('市区町村の窓口'), 'third wrong PIN: locked, sent to the municipal window');
  await page.click('#locked-cancel');
  await leave(page);
  check(faceFiles().length === before.length, 'no Face file for the locked session');
  await putCard(opt['card-b']);
  await screen(page, 'pin-locked');
  check(true, 'the lock is on the card: put back, it is still locked');
  await page.click('#locked-cancel');
  await leave(page);

  // 5. Unregistered card → 利用登録 at the reader (R-REG-3).
  console.log('kiosk: registration');
  before = faceFiles();
  await putCard(opt['card-c']);
  await screen(page, 'identify');
  await page.click('#choose-pin');
  await enterPin(page, '2468');
  await screen(page, 'registration');
  await page.click('#register-yes');
  await consent(page, [true, true, true, true]);
  await finish(page);
  xml = newFaceFile(before);
  check(tag(xml, 'SpecificHealthCheckupsInfoConsFlg') === '1', 'registered card: consents recorded');

  console.log('kiosk: registration of a face-only card');
  before = faceFiles();
  await putCard(opt['card-d']);
  await screen(page, 'identify');
  await page.click('#choose-face');
  await screen(page, 'registration', 120000);
  await page.click('#register-yes');
  await consent(page, [false, true, false, true]);
  await finish(page);
  xml = newFaceFile(before);
  check(tag(xml, 'LimitApplicationCertificateRelatedConsFlg') === '1', 'face-only card registered at the reader by face');

  console.log('kiosk: 資格情報なし');
  before = faceFiles();
  await putCard(opt['card-e']);
  await screen(page, 'identify');
  await page.click('#choose-pin');
  await enterPin(page, '1357');
  await screen(page, 'ended');
  const ended = await page.textContent('#s-ended');
  check(ended.includes('資格情報なし') && ended.includes('データ連携中'), `資格情報なし with what to tell the patient (${ended.replace(/\s+/g, ' ').trim()})`);
  await leave(page);
  check(faceFiles().length === before.length, 'no Face file without a qualification');

  // 7. The renewal notice (R-CARD-4).
  console.log('kiosk: renewal notice, certificate expiring soon');
  before = faceFiles();
  await putCard(opt['card-f']);
  await screen(page, 'identify');
  let renewal = await page.textContent('#renewal');
  check(await page.isVisible('#renewal') && renewal.includes('有効期限は') && renewal.includes('市区町村窓口で更新'),
    `near expiry: the notice says until when and where to renew (${renewal})`);
  await page.screenshot({ path: opt.screenshot.replace(/\.png$/, '_renewal.png') });
  await page.click('#choose-pin');
  await enterPin(page, '1122');
  await screen(page, 'consent');
  check((await page.textContent('#consent-step')).endsWith('/ 4'), 'near expiry: all four consent questions');
  await consent(page, [true, true, true, true]);
  await finish(page);
  xml = newFaceFile(before);
  check(tag(xml, 'PharmacistsInfoConsFlg') === '1', 'near expiry: viewing consent recorded');

  console.log('kiosk: renewal notice, certificate in its grace');
  before = faceFiles();
  await putCard(opt['card-g']);
  await screen(page, 'identify');
  renewal = await page.textContent('#renewal');
  check(await page.isVisible('#renewal') && renewal.includes('切れています') && renewal.includes(`${opt['grace-end']}まで`),
    `grace: the notice says it expired and works until ${opt['grace-end']} (${renewal})`);
  await page.click('#choose-pin');
  await enterPin(page, '3344');
  await screen(page, 'consent');
  const step = await page.textContent('#consent-step');
  const question = await page.textContent('#consent-question');
  check(step.endsWith('1 / 1') && question.includes('限度額'), `grace: only the 限度額 question (${step}: ${question})`);
  await consent(page, [true]);
  await finish(page);
  xml = newFaceFile(before);
  check(tag(xml, 'LimitApplicationCertificateRelatedConsFlg') === '1', 'grace: 限度額 consent recorded');
  check(!['PharmacistsInfoConsFlg', 'DiagnosisInfoConsFlg', 'SpecificHealthCheckupsInfoConsFlg', 'OperationInfoConsFlg']
    .some((t) => tag(xml, t) === '1'), 'grace: no viewing consent in the Face file');
  await putCard(opt['card-a']);
  await screen(page, 'identify');
  check(!(await page.isVisible('#renewal')), 'a certificate far from expiry shows no notice');
  await takeCard();
  await page.evaluate(() => fetch('/api/cancel', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }));
} finally {
  await browser.close();
}

// 3. Face fail, then 目視 by staff (R-FAC-3).
({ browser, page } = await kioskPage(other));
try {
  console.log('kiosk: face fail, then 目視');
  const before = faceFiles();
  await putCard(opt['card-a']);
  await screen(page, 'identify');
  await page.click('#choose-face');
  await page.waitForSelector('#face-retry:not([hidden])', { timeout: 120000 });
  const status = await page.textContent('#face-status');
  const failDistance = await page.getAttribute('body', 'data-face-distance');
  check(status.includes('一致しませんでした'), `someone else is refused (distance ${failDistance})`);
  await page.click('#staff-open');
  await page.fill('#visual-reason', '顔認証で一致せず、職員が券面の写真で確認');
  await page.click('#visual-ok');
  await consent(page, [true, true, false, false]);
  await finish(page);
  newFaceFile(before);

  // The staff screen (R-FAC-6).
  await page.goto(new URL('/staff', opt.kiosk).href);
  await page.waitForSelector('#visits tbody tr');

  // 8. A 資格確認書 shown on its own, looked up by its number (R-DOC-9).
  console.log('kiosk: staff look-up by insurance number');
  const lookUp = async (keys, limit) => {
    const [insurer, symbol, number, branch, birth] = keys.split('|');
    await page.fill('#lk-insurer', insurer);
    await page.fill('#lk-symbol', symbol);
    await page.fill('#lk-number', number);
    await page.fill('#lk-branch', branch);
    await page.fill('#lk-birth', birth);
    await page.setChecked('#lk-limit', limit);
    await page.evaluate(() => { document.getElementById('lk-result').hidden = true; });
    await page.click('#lk-submit');
    await page.waitForFunction(() => !document.getElementById('lk-result').hidden
      || !['', '照会しています…'].includes(document.getElementById('lk-message').textContent));
    return page.evaluate(() => ({
      outcome: document.getElementById('lk-outcome').textContent,
      shown: !document.getElementById('lk-result').hidden,
      message: document.getElementById('lk-message').textContent,
      text: document.getElementById('lk-result').innerText,
    }));
  };
  let found = await lookUp(opt['lookup-valid'], false);
  const holderBirth = opt['lookup-valid'].split('|')[4];
  const [by, bm, bd] = holderBirth.split('-').map(Number);
  check(found.shown && found.outcome === '資格(有効)', `the holder's 資格確認書: 資格(有効) (${found.outcome} ${found.message})`);
  check(found.text.includes(`${by}年${bm}月${bd}日`) && found.text.includes('記号・番号・枝番') && found.text.includes('資格取得日'),
    'the answer shows the qualification');
  check(found.text.includes('同意がないため表示しません') && !found.text.includes('限度額適用区分'),
    'no 限度額 without the patient\'s consent');
  check(!/薬剤情報|診療情報|特定健診|手術/.test(found.text), 'nothing clinical is shown');
  await page.screenshot({ path: opt.screenshot.replace(/\.png$/, '_lookup.png'), fullPage: true });
  found = await lookUp(opt['lookup-valid'], true);
  check(found.shown && found.text.includes('限度額適用区分'), 'with consent the 限度額 line is shown');
  const wrongBirth = opt['lookup-valid'].split('|').map((v, i) => (i === 4 ? `${by - 1}${v.slice(4)}` : v)).join('|');
  found = await lookUp(wrongBirth, false);
  check(found.shown && found.outcome === '資格情報なし' && found.text.includes('資格確認書と見比べて')
    && !found.text.includes('氏名'), `a wrong birth date: 資格情報なし, nothing about anyone (${found.outcome})`);
  found = await lookUp(opt['lookup-lost'], false);
  check(found.shown && found.outcome === '資格(無効)', `a lost qualification: 資格(無効) (${found.outcome} ${found.message})`);
  found = await lookUp(['12', ...opt['lookup-valid'].split('|').slice(1)].join('|'), false);
  check(!found.shown && found.message.includes('保険者番号は数字8桁'), `a bad insurer number is refused (${found.message})`);
  await page.waitForFunction(() => document.querySelectorAll('#visits tbody tr').length >= 15);

  const rows = await page.$$eval('#visits tbody tr', (trs) => trs.map((tr) => tr.innerText));
  check(rows.length === 15, `staff screen lists today's 15 visits and look-ups (${rows.length})`);
  check(rows.some((r) => r.includes('資格確認書(記号・番号)') && r.includes('有効') && r.includes('限度額: 同意')
    && !r.includes('診療・薬剤')), 'a look-up is listed with its 限度額 consent only');
  check(rows.some((r) => r.includes('資格情報なし') && r.includes('データ連携中')), 'the 資格情報なし visit is shown with what to tell the patient');
  check(rows.some((r) => r.includes('目視(理由: 顔認証で一致せず')), 'the 目視 reason is shown');
  check(rows.some((r) => r.includes('未完了') && r.includes('暗証番号がロック')), 'the locked visit is shown with its reason');
  check(rows.some((r) => r.includes('有効') && r.includes('診療・薬剤: 同意 / 特定健診: 同意なし / 手術: 同意 / 限度額: 同意')),
    'the consents of the first visit are shown');
  await page.screenshot({ path: opt.screenshot, fullPage: true });
} finally {
  await browser.close();
  await takeCard();
}

if (failures.length) {
  console.log(`kiosk: ${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('kiosk: all checks passed');
