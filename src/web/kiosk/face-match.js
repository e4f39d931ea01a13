// The kiosk's 1:1 face match (R-FAC-2): is the person in front of the camera
// the person whose photo is on the card?
//
// @vladmandic/face-api with its shipped weights, both served by the terminal
// from its own folder (/face-api/, /models/): a face is found with the SSD
// MobileNet v1 detector, aligned by its 68 landmarks, and described by the
// 128-number ResNet descriptor; two faces are the same person when the
// Euclidean distance between their descriptors is at most the terminal's
// threshold (GET /api/config; docs/kiosk-face-match.md for how it was
// chosen). TensorFlow.js runs on its CPU backend: the package ships no WASM
// binary, and a kiosk PC need not have a GPU.
//
// The same module measures the threshold (tests/web/face_fixtures.mjs), so
// what was measured is what the kiosk runs.
import * as faceapi from '/face-api/face-api.esm.js';

let ready = null;

export function loadModels() {
  if (!ready) {
    ready = (async () => {
      await faceapi.tf.setBackend('cpu');
      await faceapi.tf.ready();
      await faceapi.nets.tinyFaceDetector.loadFromUri('/models');
      await faceapi.nets.faceLandmark68Net.loadFromUri('/models');
      await faceapi.nets.faceRecognitionNet.loadFromUri('/models');
    })();
  }
  return ready;
}

const detectorOptions = (inputSize = 416) =>
  new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.3 });

// The descriptor of the most confident face in `input` (an image, video or
// canvas element), or null when there is no face.
export async function describe(input) {
  await loadModels();
  const found = await faceapi.detectSingleFace(input, detectorOptions())
    .withFaceLandmarks().withFaceDescriptor();
  return found ? found.descriptor : null;
}

// Every face in `input`: [{box: {x, y, width, height}, descriptor}]. For
// group photos: a larger detector input finds smaller faces.
export async function describeAll(input) {
  await loadModels();
  const found = await faceapi.detectAllFaces(input, detectorOptions(608))
    .withFaceLandmarks().withFaceDescriptors();
  return found.map((f) => ({
    box: { x: f.detection.box.x, y: f.detection.box.y, width: f.detection.box.width, height: f.detection.box.height },
    descriptor: f.descriptor,
  }));
}

export function distance(a, b) {
  return faceapi.euclideanDistance(a, b);
}
