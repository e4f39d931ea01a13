// The card reader's screen (src/terminal/kiosk_server.hpp): one question per
// screen, each answer a POST to the terminal, which holds the card and talks
// to the central service. The page never sees the PIN's result beyond what
// the card said, and never the certificate; the face match runs here
// (face-match.js) and only its distance goes back.
import { describe, distance, loadModels } from '/face-match.js';

const $ = (id) => document.getElementById(id);
const screens = ['waiting', 'identify', 'pin', 'pin-locked', 'face', 'registration', 'consent', 'done', 'ended', 'error'];

function show(name) {
  for (const s of screens) $(`s-${s}`).hidden = s !== name;
  document.body.dataset.screen = name;
  if (name !== 'face') stopCamera();
}

async function post(path, body = {}) {
  const r = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return r.json();
}

// ---- the visit ------------------------------------------------------------

let pollTimer = null;
let identify = {};

function waitForCard() {
  show('waiting');
  clearTimeout(pollTimer);
  const poll = async () => {
    let res;
    try {
      res = await post('/api/card');
    } catch (e) {
      pollTimer = setTimeout(poll, 1000);
      return;
    }
    if (res.step === 'waiting') {
      $('waiting-note').textContent = res.message || '';
      pollTimer = setTimeout(poll, 700);
    } else {
      handle(res);
    }
  };
  poll();
}

function handle(res) {
  switch (res.step) {
    case 'identify':
      identify = { ...identify, ...res };
      showIdentify();
      break;
    case 'pin-locked':
      identify = { ...identify, ...res };
      show('pin-locked');
      break;
    case 'registration':
      show('registration');
      break;
    case 'consent':
      startConsent(res);
      break;
    case 'done':
      $('done-notice').hidden = !res.tell;
      $('done-notice').textContent = res.tell || '';
      show('done');
      break;
    case 'ended':
      $('ended-title').textContent = res.outcome === '有効' ? '受付が完了しました' : `確認結果: ${res.outcome}`;
      $('ended-tell').textContent = res.tell || res.reason || '';
      show('ended');
      break;
    case 'waiting':
      waitForCard();
      break;
    default:
      $('error-message').textContent = res.message || 'エラーが発生しました。';
      show('error');
  }
}

function showIdentify() {
  const renewal = identify.renewal || '';
  $('renewal').hidden = !renewal;
  $('renewal').textContent = renewal;
  $('identify-note').textContent = identify.pinLocked
    ? '暗証番号はロックされています。顔認証で受付できます。'
    : '';
  $('choose-pin').disabled = !!identify.pinLocked;
  show('identify');
}

// ---- PIN (R-FAC-2, R-CARD-5) ---------------------------------------------

let pin = '';
function renderPin() {
  $('pin-dots').textContent = '●'.repeat(pin.length) + '_'.repeat(4 - pin.length);
}
function startPin() {
  pin = '';
  renderPin();
  $('pin-message').textContent = identify.triesLeft < 3 ? `あと${identify.triesLeft}回まちがえるとロックされます。` : '';
  show('pin');
}
for (const b of document.querySelectorAll('[data-digit]')) {
  b.addEventListener('click', () => {
    if (pin.length < 4) pin += b.dataset.digit;
    renderPin();
  });
}
$('pin-clear').addEventListener('click', () => { pin = ''; renderPin(); });
$('pin-back').addEventListener('click', showIdentify);
$('pin-ok').addEventListener('click', async () => {
  if (pin.length !== 4) {
    $('pin-message').textContent = '数字を4つ入力してください。';
    return;
  }
  const res = await post('/api/pin', { pin });
  pin = '';
  renderPin();
  if (res.step === 'identify' && res.wrongPin) {
    identify.triesLeft = res.triesLeft;
    $('pin-message').textContent = `暗証番号がちがいます。あと${res.triesLeft}回まちがえるとロックされます。`;
    return;
  }
  if (res.step === 'identify' && res.message) {
    $('pin-message').textContent = res.message;
    return;
  }
  handle(res);
});

// ---- face (R-FAC-2) ------------------------------------------------------

let stream = null;
let cardDescriptor = null;

function stopCamera() {
  if (stream) {
    for (const t of stream.getTracks()) t.stop();
    stream = null;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startFace() {
  show('face');
  $('face-retry').hidden = true;
  $('face-status').textContent = '準備しています…';
  try {
    if (!cardDescriptor) {
      const r = await fetch('/api/face/photo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      if (!r.ok) {
        const problem = await r.json();
        $('face-status').textContent = problem.message;
        $('face-retry').hidden = false;
        return;
      }
      const img = $('card-photo');
      img.src = URL.createObjectURL(await r.blob());
      await img.decode();
      await loadModels();
      cardDescriptor = await describe(img);
      if (!cardDescriptor) {
        $('face-status').textContent = 'カードの写真から顔を見つけられませんでした。暗証番号で確認してください。';
        $('face-retry').hidden = false;
        return;
      }
    }
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const video = $('camera');
    video.srcObject = stream;
    await video.play();
    $('face-status').textContent = 'お顔を確認しています…';
    let live = null;
    for (let i = 0; i < 8 && !live; i++) {
      live = await describe(video);
      if (!live) await sleep(400);
    }
    if (!live) {
      stopCamera();
      $('face-status').textContent = 'お顔が見つかりませんでした。カメラの正面を向いてください。';
      $('face-retry').hidden = false;
      return;
    }
    const d = distance(cardDescriptor, live);
    stopCamera();
    document.body.dataset.faceDistance = d.toFixed(3);
    const res = await post('/api/face/result', { distance: d });
    if (res.step === 'identify' && res.faceMatched === false) {
      $('face-status').textContent = 'カードの写真と一致しませんでした。もう一度、または暗証番号でお試しください。';
      $('face-retry').hidden = false;
      return;
    }
    handle(res);
  } catch (e) {
    stopCamera();
    $('face-status').textContent = `顔認証を使えません(${e.message})。暗証番号でお試しください。`;
    $('face-retry').hidden = false;
  }
}

$('choose-face').addEventListener('click', startFace);
$('locked-face').addEventListener('click', startFace);
$('face-again').addEventListener('click', startFace);
$('face-to-pin').addEventListener('click', () => (identify.pinLocked ? show('pin-locked') : startPin()));
$('choose-pin').addEventListener('click', startPin);
$('locked-cancel').addEventListener('click', async () => handle(await post('/api/cancel')));

// ---- 目視 by staff (R-FAC-3) ------------------------------------------------

$('staff-open').addEventListener('click', () => { $('staff-panel').hidden = false; });
$('staff-close').addEventListener('click', () => { $('staff-panel').hidden = true; });
$('visual-ok').addEventListener('click', async () => {
  const reason = $('visual-reason').value.trim();
  if (!reason) {
    $('visual-reason').focus();
    return;
  }
  $('staff-panel').hidden = true;
  $('visual-reason').value = '';
  handle(await post('/api/visual', { reason }));
});

// ---- 利用登録 (R-REG-3) -------------------------------------------------------

$('register-yes').addEventListener('click', async () => handle(await post('/api/register')));
$('register-no').addEventListener('click', async () => handle(await post('/api/cancel')));

// ---- consents (R-FAC-4) ---------------------------------------------------

const questions = [
  { key: 'medical', viewing: true, text: '過去の診療情報・お薬の情報を、この医療機関の医師・薬剤師などに提供することに同意しますか?',
    detail: 'より良い医療のために使われます。' },
  { key: 'checkups', viewing: true, text: '特定健診などの健診結果を提供することに同意しますか?', detail: '' },
  { key: 'operation', viewing: true, text: '過去の手術の情報を提供することに同意しますか?', detail: '' },
  { key: 'limit', viewing: false, text: '高額療養費の限度額の情報を提供することに同意しますか?',
    detail: '同意すると、窓口でのお支払いが限度額までになります。' },
];
let asked = [];
let answers = {};

function startConsent(res) {
  // In the certificate's grace (R-CARD-4) no treatment or drug information
  // can be shared: only the 限度額 question is asked.
  asked = questions.filter((q) => res.sharing || !q.viewing);
  answers = {};
  askNext();
}
function askNext() {
  const q = asked[Object.keys(answers).length];
  if (!q) {
    submitConsent();
    return;
  }
  $('consent-step').textContent = `同意の確認 ${Object.keys(answers).length + 1} / ${asked.length}`;
  $('consent-question').textContent = q.text;
  $('consent-detail').textContent = q.detail;
  $('consent-question').dataset.key = q.key;
  show('consent');
}
async function answer(yes) {
  answers[$('consent-question').dataset.key] = yes;
  askNext();
}
$('consent-yes').addEventListener('click', () => answer(true));
$('consent-no').addEventListener('click', () => answer(false));
async function submitConsent() {
  $('consent-question').textContent = '確認しています…';
  handle(await post('/api/consent', answers));
}

// ---- endings ------------------------------------------------------------------

function restart() {
  identify = {};
  cardDescriptor = null;
  $('card-photo').removeAttribute('src');
  waitForCard();
}
$('done-ok').addEventListener('click', restart);
$('ended-ok').addEventListener('click', restart);
$('error-ok').addEventListener('click', async () => {
  await post('/api/cancel');
  restart();
});

waitForCard();
