// A clinic program on Node.js, as far as TLS goes (issue 14, wire fidelity):
// several calls from one process through Node's own https agent, which keeps
// the TLS session of each connection and resumes it on the next one. Run by
// tests/app/tls_client_test.cpp; prints one JSON object on stdout.
//
//   node tls_resume_client.js BASE_URL CA CERT KEY BODY_JSON TLS_VERSION CALLS
//
// For each agent (a new connection per call, and keep-alive), CALLS login
// requests (POST …/auth with the facility's client certificate and body.json,
// the call that needs the certificate) and one GET /healthz. Every answer is
// recorded with whether its TLS session was resumed and whether the socket
// was a kept-alive one. Errors are recorded, never thrown, so the test sees
// which call failed and why.
'use strict';
const fs = require('fs');
const https = require('https');

const [base, caPath, certPath, keyPath, bodyPath, version, callsArg] = process.argv.slice(2);
const calls = Number(callsArg);
const tls = {
  ca: fs.readFileSync(caPath),
  cert: fs.readFileSync(certPath),
  key: fs.readFileSync(keyPath),
  minVersion: version,
  maxVersion: version,
};
const body = fs.readFileSync(bodyPath);
const url = new URL(base);

function call(agent, method, path, payload) {
  return new Promise((resolve) => {
    const req = https.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: payload ? {'Content-Type': 'application/json', 'Content-Length': payload.length} : {},
      },
      (res) => {
        // Read now: the socket is detached from the response by its end.
        const resumed = res.socket.isSessionReused();
        const protocol = res.socket.getProtocol();
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let token = false;
          try {
            token = typeof JSON.parse(text).result.idToken === 'string';
          } catch (e) {
            token = false;
          }
          resolve({
            path,
            status: res.statusCode,
            resumed,
            protocol,
            kept_alive: req.reusedSocket,
            token,
          });
        });
        res.on('error', (e) => resolve({path, error: String(e)}));
      });
    req.on('error', (e) => resolve({path, error: String(e)}));
    if (payload) req.write(payload);
    req.end();
  });
}

async function run(agent) {
  const out = [];
  for (let i = 0; i < calls; ++i) {
    out.push(await call(agent, 'POST', '/oqs-api-pro/MSA12020/ILI12020SV01/auth', body));
  }
  out.push(await call(agent, 'GET', '/healthz', null));
  agent.destroy();
  return out;
}

(async () => {
  const result = {
    new_connection_each_call: await run(new https.Agent({...tls, keepAlive: false})),
    keep_alive: await run(new https.Agent({...tls, keepAlive: true, maxSockets: 1})),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
})();
