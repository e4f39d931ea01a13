// Face fixtures and the threshold measurement for the kiosk's face match
// (src/web/kiosk/face-match.js), from the sample photos @vladmandic/face-api
// ships (demo/sample1..6.jpg: group photos, several people in each). Nothing
// is downloaded: the package is the one src/web/kiosk installs.
//
//   node face_fixtures.mjs --kiosk-root src/web/kiosk --out DIR [--report FILE] [--samples N]
//
// --samples N uses only sample1..N (the kiosk test needs sample1 alone; the
// measurement in docs/kiosk-face-match.md used all six).
//
// In Debian's headless Chromium, with the kiosk's own face-match.js:
//  1. every face in every sample is found;
//  2. for each face two pictures are made, as the two sides of a kiosk match
//     see them: the card's photo (a portrait crop, grey, 240×320, JPEG — a
//     chip photo is small and may be monochrome, card-and-identifiers.md §5)
//     and a camera frame (a wider crop in colour, 640×480);
//  3. each picture is described again from its own JPEG, as the kiosk would.
// Genuine pairs: a face's card photo against its own camera frame. Impostor
// pairs: a face's card photo against the camera frame of ANOTHER face IN THE
// SAME PHOTO — people standing side by side in one picture are certainly
// different people, while the same person may appear in two samples (it is
// one photo shoot), so pairs across photos are reported apart, unlabelled.
//
// Writes DIR/holder-card.jpg (the card photo to issue), DIR/holder.mjpeg (a
// camera stream of the same person) and DIR/other.mjpeg (someone else from
// the same photo) for Chromium's --use-file-for-fake-video-capture (an MJPEG
// file is a sequence of JPEG frames; one frame is a still camera), and with
// --report the measured distances and false accept/reject rates as JSON.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, extname } from 'node:path';
import { chromium } from 'playwright-core';

const { values: opt } = parseArgs({
  options: { 'kiosk-root': { type: 'string' }, out: { type: 'string' }, report: { type: 'string' }, samples: { type: 'string' } },
});
if (!opt['kiosk-root'] || !opt.out) {
  console.error('usage: node face_fixtures.mjs --kiosk-root DIR --out DIR [--report FILE]');
  process.exit(2);
}
const root = resolve(opt['kiosk-root']);
const faceApi = join(root, 'node_modules/@vladmandic/face-api');
mkdirSync(opt.out, { recursive: true });

const ORIGIN = 'http://kiosk.fixture';
const types = { '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream', '.jpg': 'image/jpeg', '.html': 'text/html' };
function fileFor(path) {
  if (path === '/') return null;
  if (path === '/face-match.js') return join(root, 'face-match.js');
  if (path === '/face-api/face-api.esm.js') return join(faceApi, 'dist/face-api.esm.js');
  let m = path.match(/^\/models\/([a-z0-9_.-]+)$/);
  if (m) return join(faceApi, 'model', m[1]);
  m = path.match(/^\/samples\/(sample[1-6]\.jpg)$/);
  if (m) return join(faceApi, 'demo', m[1]);
  return undefined;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const results = [];
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error(`page: ${m.text()}`); });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>fixtures</title>' });
    const file = fileFor(path);
    if (!file) return route.fulfill({ status: 404, body: 'no' });
    return route.fulfill({ status: 200, contentType: types[extname(file)] || 'application/octet-stream', body: readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/`);
  const count = Math.min(6, Math.max(1, Number(opt.samples || 6)));
  for (let n = 1; n <= count; n++) {
    const faces = await page.evaluate(async (sample) => {
      const fm = await import('/face-match.js');
      const load = async (src) => { const img = new Image(); img.src = src; await img.decode(); return img; };
      const img = await load(`/samples/${sample}`);
      // A crop of `img` around `box` (its centre, `scale` × the box width
      // wide, `aspect` = height/width), drawn at w×h, grey or not, as JPEG.
      const picture = async (box, scale, aspect, w, h, grey, quality) => {
        const cw = box.width * scale, ch = cw * aspect;
        const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
        const c = document.createElement('canvas');
        c.width = w; c.height = h;
        const g = c.getContext('2d');
        g.fillStyle = '#808080';
        g.fillRect(0, 0, w, h);
        if (grey) g.filter = 'grayscale(1)';
        g.drawImage(img, cx - cw / 2, cy - ch / 2, cw, ch, 0, 0, w, h);
        const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', quality));
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let bin = '';
        for (const b of bytes) bin += String.fromCharCode(b);
        const url = URL.createObjectURL(blob);
        const back = await load(url);
        URL.revokeObjectURL(url);
        const d = await fm.describe(back);
        return { jpeg: btoa(bin), descriptor: d ? Array.from(d) : null };
      };
      const found = (await fm.describeAll(img)).sort((a, b) => a.box.x - b.box.x);
      const out = [];
      for (const f of found) {
        out.push({
          box: f.box,
          card: await picture(f.box, 2.0, 4 / 3, 240, 320, true, 0.8),
          camera: await picture(f.box, 2.6, 3 / 4, 640, 480, false, 0.9),
        });
      }
      return out;
    }, `sample${n}.jpg`);
    faces.forEach((f, i) => results.push({ sample: n, index: i, ...f }));
    console.log(`face_fixtures: sample${n}.jpg: ${faces.length} faces`);
  }
} finally {
  await browser.close();
}

const dist = (a, b) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
const usable = results.filter((r) => r.card.descriptor && r.camera.descriptor);
const genuine = usable.map((r) => ({ sample: r.sample, index: r.index, d: dist(r.card.descriptor, r.camera.descriptor) }));
const impostor = [];
const across = [];
for (const a of usable) {
  for (const b of usable) {
    if (a === b) continue;
    const d = dist(a.card.descriptor, b.camera.descriptor);
    (a.sample === b.sample ? impostor : across).push(d);
  }
}
const thresholds = [0.35, 0.4, 0.45, 0.5, 0.55, 0.6];
const rates = thresholds.map((t) => ({
  threshold: t,
  falseReject: genuine.filter((g) => g.d > t).length / genuine.length,
  falseAccept: impostor.filter((d) => d <= t).length / impostor.length,
  acceptedAcrossPhotos: across.filter((d) => d <= t).length,
}));
const report = {
  faces: results.length,
  usable: usable.length,
  notFoundAgain: results.filter((r) => !(r.card.descriptor && r.camera.descriptor)).map((r) => `sample${r.sample}#${r.index}`),
  genuinePairs: genuine.length,
  impostorPairs: impostor.length,
  pairsAcrossPhotos: across.length,
  genuine: genuine.map((g) => Number(g.d.toFixed(3))).sort((a, b) => a - b),
  impostorMin: Math.min(...impostor),
  acrossMin: Math.min(...across),
  rates,
};
console.log(JSON.stringify(report, null, 1));
if (opt.report) writeFileSync(opt.report, JSON.stringify(report, null, 1));

// The kiosk test's people: the holder is sample1's first usable face with the
// smallest genuine distance; the other person stands in the same photo.
const inOne = usable.filter((r) => r.sample === 1);
if (inOne.length < 2) {
  console.error('face_fixtures: sample1.jpg has fewer than two usable faces');
  process.exit(1);
}
const holder = inOne.reduce((best, r) => (dist(r.card.descriptor, r.camera.descriptor) < dist(best.card.descriptor, best.camera.descriptor) ? r : best));
const other = inOne.find((r) => r !== holder);
writeFileSync(join(opt.out, 'holder-card.jpg'), Buffer.from(holder.card.jpeg, 'base64'));
writeFileSync(join(opt.out, 'holder.mjpeg'), Buffer.from(holder.camera.jpeg, 'base64'));
writeFileSync(join(opt.out, 'other.mjpeg'), Buffer.from(other.camera.jpeg, 'base64'));
writeFileSync(join(opt.out, 'pair.json'), JSON.stringify({
  holder: `sample1#${holder.index}`,
  other: `sample1#${other.index}`,
  genuine: dist(holder.card.descriptor, holder.camera.descriptor),
  impostor: dist(holder.card.descriptor, other.camera.descriptor),
}));
console.log(`face_fixtures: holder sample1#${holder.index}, other sample1#${other.index} -> ${opt.out}`);
