// The staff screen: today's visits at the card reader (GET /api/today).
// Text only through textContent: names and reasons never become markup.
const MODES = { pin: '暗証番号', face: '顔認証', visual: '目視', '': '—' };
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
    cell(row, v.consents
      ? CONSENTS.map(([k, label]) => `${label}: ${v.consents[k] ? '同意' : '同意なし'}`).join(' / ')
      : '—', 'consents');
    cell(row, v.faceFile || '—', 'face-file');
    body.appendChild(row);
  }
  document.getElementById('empty').hidden = visits.length > 0;
}

refresh();
setInterval(refresh, 3000);
