// The staff screen: today's visits at the card reader (GET /api/today), and
// the look-up of a 資格確認書 by its number (POST /api/lookup, R-DOC-9).
// Text only through textContent: names and reasons never become markup.
const MODES = { pin: '暗証番号', face: '顔認証', visual: '目視', document: '資格確認書(記号・番号)', '': '—' };
const CONSENTS = [['medical', '診療・薬剤'], ['checkups', '特定健診'], ['operation', '手術'], ['limit', '限度額']];

function cell(row, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
}

function time(t) {
  return t.length === 14 ? `${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}` : t;
}

async function refresh() {
  const r = await fetch('/api/today');
  const { visits } = await r.json();
  const body = document.querySelector('#visits tbody');
  body.replaceChildren();
  for (const v of visits.slice().reverse()) {
    const row = document.createElement('tr');
    cell(row, time(v.time));
    cell(row, v.name ? `${v.name}${v.nameKana ? `(${v.nameKana})` : ''}` : '—');
    cell(row, v.outcome, `outcome-${v.outcome}`);
    cell(row, v.reason || '');
    cell(row, v.tell || '');
    cell(row, v.mode === 'visual' ? `目視(理由: ${v.visualReason})` : MODES[v.mode] ?? v.mode);
    // A look-up by number carries only the 限度額 consent (R-FAC-4).
    const asked = v.mode === 'document' ? CONSENTS.filter(([k]) => k === 'limit') : CONSENTS;
    cell(row, v.consents
      ? asked.map(([k, label]) => `${label}: ${v.consents[k] ? '同意' : '同意なし'}`).join(' / ')
      : '—', 'consents');
    cell(row, v.faceFile || '—', 'face-file');
    body.appendChild(row);
  }
  document.getElementById('empty').hidden = visits.length > 0;
}

// ---- look-up of a 資格確認書 by its number (R-DOC-9) -----------------------

const $ = (id) => document.getElementById(id);

function definitions(dl, pairs) {
  dl.replaceChildren();
  for (const [label, value] of pairs || []) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
}

$('lookup-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('lk-message').textContent = '照会しています…';
  $('lk-result').hidden = true;
  const r = await fetch('/api/lookup', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      insurerNumber: $('lk-insurer').value,
      symbol: $('lk-symbol').value,
      number: $('lk-number').value,
      branch: $('lk-branch').value,
      birthdate: $('lk-birth').value,
      limitConsent: $('lk-limit').checked,
    }),
  });
  const res = await r.json();
  if (res.step !== 'lookup') {
    $('lk-message').textContent = res.message || '照会できませんでした。';
    if (res.field) document.body.dataset.lookupField = res.field;
    return;
  }
  $('lk-message').textContent = '';
  $('lk-outcome').textContent = res.outcome === '資格情報なし' ? '資格情報なし' : `資格(${res.outcome})`;
  $('lk-outcome').className = `big outcome-${res.outcome}`;
  $('lk-reason').textContent = res.reason || '';
  $('lk-tell').textContent = res.tell || '';
  $('lk-tell').hidden = !res.tell;
  definitions($('lk-fields'), res.fields);
  definitions($('lk-limit-fields'), res.limit || [['限度額', '患者さんの同意がないため表示しません']]);
  $('lk-result').hidden = false;
  refresh();
});

refresh();
setInterval(refresh, 3000);
