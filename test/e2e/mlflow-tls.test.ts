// End to end: MLflow's client TLS variables, as MLflow's Python client reads them, with the built
// CLI's `mlflow model-versions create` against an HTTPS registry (the emulator with a private CA):
// MLFLOW_TRACKING_SERVER_CERT_PATH trusts the CA, MLFLOW_TRACKING_INSECURE_TLS skips verification
// (with a warning naming it), MLFLOW_TRACKING_CLIENT_CERT_PATH presents a client certificate (to a
// small server that asks for one).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import * as path from 'node:path';
import { generateTlsMaterial, type TlsMaterial } from '../../src/emulator/certificates';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { runCli, scratch } from '../support/cli';

let emulator: RunningEmulator;
let tls: TlsMaterial;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  tls = generateTlsMaterial();
  emulator = await startEmulator({ port: 0, tls, registrationDelayMs: 0 });
  const s = scratch();
  dir = s.dir;
  env = { ...s.env, MLFLOW_TRACKING_URI: `https://127.0.0.1:${emulator.port}` };
  fs.writeFileSync(path.join(dir, 'ca.pem'), tls.ca);
  fs.writeFileSync(path.join(dir, 'client.pem'), tls.cert + tls.key);
  fs.writeFileSync(path.join(dir, 'cert-only.pem'), tls.cert);
});

after(async () => {
  await emulator.close();
});

const register = (name: string, extraEnv: NodeJS.ProcessEnv) =>
  runCli(['mlflow', 'model-versions', 'create', `--name=${name}`, '--source=s3://bucket/model/', '--format=value(version,status)'], {
    ...env,
    ...extraEnv,
  });

describe('MLflow TLS variables', () => {
  test('without them, a private CA is not trusted: one line, nothing reaches the registry', async () => {
    emulator.clearRequests();
    const r = await register('tls-none', {});
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^ERROR: \(gcloud\.mlflow\.model-versions\.create\) Could not reach the MLflow registry at \[https:\/\/127\.0\.0\.1:\d+\]: .*certificate/im,
    );
    assert.equal(emulator.requests().length, 0);
  });

  test('MLFLOW_TRACKING_SERVER_CERT_PATH: the CA bundle is trusted', async () => {
    const r = await register('tls-ca', { MLFLOW_TRACKING_SERVER_CERT_PATH: path.join(dir, 'ca.pem') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1\tREADY\n');
    assert.doesNotMatch(r.stderr, /WARNING/);
  });

  test('MLFLOW_TRACKING_INSECURE_TLS=true: not verified, and the warning names the variable', async () => {
    const r = await register('tls-insecure', { MLFLOW_TRACKING_INSECURE_TLS: 'True' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /WARNING: Unverified HTTPS request is being made to host '127\.0\.0\.1' \(MLFLOW_TRACKING_INSECURE_TLS\)\./);
  });

  test('refused: both at once, a value MLflow does not read as a boolean, an unreadable file, a client file without its key', async () => {
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [
        { MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_TRACKING_SERVER_CERT_PATH: path.join(dir, 'ca.pem') },
        /MLFLOW_TRACKING_INSECURE_TLS is true and MLFLOW_TRACKING_SERVER_CERT_PATH is set: set only one of them\./,
      ],
      [{ MLFLOW_TRACKING_INSECURE_TLS: 'yes' }, /MLFLOW_TRACKING_INSECURE_TLS must be true, false, 1 or 0, not \[yes\]\./],
      [
        { MLFLOW_TRACKING_SERVER_CERT_PATH: path.join(dir, 'missing.pem') },
        /Cannot read MLFLOW_TRACKING_SERVER_CERT_PATH \[.*missing\.pem\]: ENOENT\./,
      ],
      [
        { MLFLOW_TRACKING_CLIENT_CERT_PATH: path.join(dir, 'cert-only.pem') },
        /MLFLOW_TRACKING_CLIENT_CERT_PATH \[.*cert-only\.pem\] holds no private key/,
      ],
    ];
    emulator.clearRequests();
    for (const [extraEnv, message] of cases) {
      const r = await register('tls-bad', extraEnv);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
    }
    assert.equal(emulator.requests().length, 0);
  });

  test('MLFLOW_TRACKING_CLIENT_CERT_PATH: the certificate in the file is presented to the server', async () => {
    const peers: string[] = [];
    const server: Server = createServer({ cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      peers.push(String(peer?.subject?.CN ?? '(none)'));
      const version = { name: 'tls-client', version: '1', source: 's3://bucket/model/', status: 'READY' };
      const body = req.url?.includes('registered-models/get') ? { registered_model: { name: 'tls-client' } } : { model_version: version };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const r = await register('tls-client', {
        MLFLOW_TRACKING_URI: `https://127.0.0.1:${port}`,
        MLFLOW_TRACKING_SERVER_CERT_PATH: path.join(dir, 'ca.pem'),
        MLFLOW_TRACKING_CLIENT_CERT_PATH: path.join(dir, 'client.pem'),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(peers.length >= 2, String(peers));
      assert.ok(
        peers.every((cn) => cn === 'localhost'),
        String(peers),
      );
    } finally {
      server.close();
    }
  });
});
