// End to end over the network layer: the built CLI against an HTTPS emulator with a private CA
// (core/custom_ca_certs_file), through a proxy from HTTPS_PROXY and from the proxy/* properties
// (with credentials), and against a storage server that stalls. Each flow deploys a local origin
// (multipart and resumable uploads, the create, the polls) and runs a list command.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateTlsMaterial } from '../../src/emulator/certificates';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { emulatorEnv, FIXTURES, runCli, type RunResult, scratch, TOKEN } from '../support/cli';
import { startProxy, type TestProxy } from '../support/proxy';

let tlsEmulator: RunningEmulator;
let plainEmulator: RunningEmulator;
let dir: string;
let baseEnv: NodeJS.ProcessEnv;
let caFile: string;
let origin: string;

before(async () => {
  const tls = generateTlsMaterial();
  // Buckets exist once created (as in Cloud Storage): each deploy below stages into its own.
  const buckets = [
    'staging-tls-config',
    'staging-via-env',
    'staging-via-properties',
    'staging-forwarded',
    'staging-stalled',
    'staging-logged',
  ];
  tlsEmulator = await startEmulator({ operationDelayMs: 0, tls, buckets });
  plainEmulator = await startEmulator({ operationDelayMs: 0, buckets });
  const s = scratch();
  dir = s.dir;
  baseEnv = { ...s.env, CLOUDSDK_AI_PLATFORM_REGION: 'global', CLOUDSDK_STORAGE_UPLOAD_CHUNK_SIZE: '1MiB' };
  caFile = path.join(dir, 'ca.pem');
  fs.writeFileSync(caFile, tls.ca);
  // Small files go multipart; the 6 MiB one resumable, in 1 MiB chunks.
  origin = path.join(dir, 'model');
  fs.cpSync(path.join(FIXTURES, 'models', 'tf-saved-model'), origin, { recursive: true });
  fs.writeFileSync(path.join(origin, 'big.bin'), Buffer.alloc(6 * 1024 * 1024, 7));
});

after(async () => {
  await tlsEmulator.close();
  await plainEmulator.close();
});

function tlsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...baseEnv, ...httpsEndpoints(tlsEmulator.port), ...extra };
}

function httpsEndpoints(port: number): NodeJS.ProcessEnv {
  return {
    CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: `https://127.0.0.1:${port}/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `https://127.0.0.1:${port}/storage/v1/`,
  };
}

/** models create MODEL, then versions create v1 of it from the local origin, staged in BUCKET, with `flags`. */
async function createAndDeploy(env: NodeJS.ProcessEnv, model: string, bucket: string, flags: string[]): Promise<RunResult> {
  const created = await runCli(['ai-platform', 'models', 'create', model], env);
  assert.equal(created.code, 0, created.stderr);
  const argv = ['ai-platform', 'versions', 'create', 'v1', `--model=${model}`, `--origin=${origin}`, `--staging-bucket=gs://${bucket}`];
  return runCli([...argv, ...flags], env);
}

/** models create, versions create from the local origin (waiting for the operation), versions list. */
async function deployAndList(env: NodeJS.ProcessEnv, model: string): Promise<void> {
  const deployed = await createAndDeploy(env, model, `staging-${model.replace(/_/g, '-')}`, ['--format=value(state)']);
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.equal(deployed.stdout, 'READY\n');
  const listed = await runCli(['ai-platform', 'versions', 'list', `--model=${model}`, '--format=value(name)'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(listed.stdout, 'v1\n');
}

function uploadsSeen(emulator: RunningEmulator, model: string) {
  const requests = emulator.requests();
  const create = requests.find((r) => r.method === 'POST' && r.path === `/v1/projects/test-project/models/${model}/versions`);
  assert.ok(create, 'the create reached the emulator');
  assert.equal(create.headers.authorization, `Bearer ${TOKEN}`);
  assert.match(create.headers['user-agent'], /^gcloud-aip\/\S+ command\/ai-platform\.versions\.create$/);
  const uploads = requests.filter((r) => r.path.includes('/upload/storage/v1/'));
  assert.ok(
    uploads.some((r) => r.query.uploadType?.[0] === 'multipart'),
    'multipart uploads',
  );
  assert.ok(
    uploads.some((r) => r.method === 'PUT'),
    'resumable chunks',
  );
  for (const upload of uploads) {
    assert.equal(upload.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(upload.headers['user-agent'], /^gcloud-aip\//);
  }
}

describe('TLS with a private CA', () => {
  test('core/custom_ca_certs_file (from the configuration): deploy a local origin and list', async () => {
    const env = tlsEnv();
    fs.mkdirSync(path.join(String(env.CLOUDSDK_CONFIG), 'configurations'), { recursive: true });
    fs.writeFileSync(
      path.join(String(env.CLOUDSDK_CONFIG), 'configurations', 'config_default'),
      `[core]\ncustom_ca_certs_file = ${caFile}\n`,
    );
    try {
      tlsEmulator.clearRequests();
      await deployAndList(env, 'tls_config');
      uploadsSeen(tlsEmulator, 'tls_config');
    } finally {
      fs.rmSync(path.join(String(env.CLOUDSDK_CONFIG), 'configurations'), { recursive: true });
    }
  });

  test('without the CA: a certificate error at once, not retried, nothing sent, no "may have been created"', async () => {
    tlsEmulator.clearRequests();
    const r = await runCli(
      ['ai-platform', 'versions', 'create', 'v_nocert', '--model=m', '--origin=gs://b/m/', '--verbosity=info'],
      tlsEnv(),
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.create\) .*\([A-Z_]+\): the server's certificate could not be verified\. If a proxy re-signs TLS traffic, set core\/custom_ca_certs_file to its CA bundle\./,
    );
    assert.doesNotMatch(r.stderr, /Retrying|may have been created/);
    assert.equal(tlsEmulator.requests().length, 0);
  });

  test('auth/disable_ssl_validation: no verification, with a warning per host', async () => {
    const r = await runCli(
      ['ai-platform', 'models', 'list', '--format=value(name)'],
      tlsEnv({ CLOUDSDK_AUTH_DISABLE_SSL_VALIDATION: 'true' }),
    );
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stderr.match(/^WARNING: Unverified HTTPS request is being made to host '127\.0\.0\.1'.*$/gm) ?? [];
    assert.equal(warnings.length, 1, r.stderr);
  });

  test('a CA file that does not exist is a one-line error', async () => {
    const r = await runCli(
      ['ai-platform', 'models', 'list'],
      tlsEnv({ CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE: path.join(dir, 'missing.pem') }),
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^ERROR: \(gcloud\.ai-platform\.models\.list\) Unable to read the CA certificates file \[.*missing\.pem\] \(core\/custom_ca_certs_file\): No such file or directory$/m,
    );
  });
});

describe('proxies', () => {
  let proxy: TestProxy;
  let authProxy: TestProxy;
  before(async () => {
    proxy = await startProxy();
    authProxy = await startProxy({ username: 'deployer', password: 's3cr:t' });
  });
  after(async () => {
    await proxy.close();
    await authProxy.close();
  });

  test('HTTPS_PROXY: every request tunnels through it (CONNECT), TLS verified end to end', async () => {
    proxy.seen.length = 0;
    tlsEmulator.clearRequests();
    await deployAndList(tlsEnv({ CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE: caFile, HTTPS_PROXY: proxy.url }), 'via_env');
    uploadsSeen(tlsEmulator, 'via_env');
    assert.ok(proxy.seen.length > 0);
    for (const seen of proxy.seen)
      assert.deepEqual([seen.method, seen.target, seen.status], ['CONNECT', `127.0.0.1:${tlsEmulator.port}`, 200]);
  });

  test('proxy/* properties with credentials: CONNECT with Proxy-Authorization; the environment is ignored', async () => {
    authProxy.seen.length = 0;
    proxy.seen.length = 0;
    tlsEmulator.clearRequests();
    const env = tlsEnv({
      CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE: caFile,
      CLOUDSDK_PROXY_TYPE: 'http',
      CLOUDSDK_PROXY_ADDRESS: '127.0.0.1',
      CLOUDSDK_PROXY_PORT: String(authProxy.port),
      CLOUDSDK_PROXY_USERNAME: 'deployer',
      CLOUDSDK_PROXY_PASSWORD: 's3cr:t',
      https_proxy: proxy.url, // gcloud's properties win over the environment
    });
    await deployAndList(env, 'via_properties');
    uploadsSeen(tlsEmulator, 'via_properties');
    assert.equal(proxy.seen.length, 0);
    const expected = `Basic ${Buffer.from('deployer:s3cr:t').toString('base64')}`;
    assert.ok(authProxy.seen.length > 0);
    for (const seen of authProxy.seen) assert.deepEqual([seen.method, seen.proxyAuthorization, seen.status], ['CONNECT', expected, 200]);
    // The proxy's credentials never reach the server.
    for (const request of tlsEmulator.requests()) assert.equal(request.headers['proxy-authorization'], undefined);
  });

  test('http:// targets are forwarded by absolute URI, with the credentials', async () => {
    authProxy.seen.length = 0;
    const env = {
      ...baseEnv,
      ...emulatorEnv(plainEmulator.port),
      CLOUDSDK_PROXY_TYPE: 'http',
      CLOUDSDK_PROXY_ADDRESS: '127.0.0.1',
      CLOUDSDK_PROXY_PORT: String(authProxy.port),
      CLOUDSDK_PROXY_USERNAME: 'deployer',
      CLOUDSDK_PROXY_PASSWORD: 's3cr:t',
    };
    await deployAndList(env, 'forwarded');
    uploadsSeen(plainEmulator, 'forwarded');
    assert.ok(
      authProxy.seen.some(
        (s) => s.method === 'PUT' && s.target.startsWith(`http://127.0.0.1:${plainEmulator.port}/resumable/upload/storage/v1/`),
      ),
    );
    assert.ok(
      authProxy.seen.some(
        (s) =>
          s.method === 'GET' &&
          s.target.startsWith(`http://127.0.0.1:${plainEmulator.port}/v1/projects/test-project/models/forwarded/versions?`),
      ),
    );
    for (const seen of authProxy.seen) assert.equal(seen.status < 400, true, `${seen.method} ${seen.target} ${seen.status}`);
  });

  test('wrong proxy credentials: a one-line error naming the proxy (never its password), not retried', async () => {
    authProxy.seen.length = 0;
    for (const [endpoints, label] of [
      [httpsEndpoints(tlsEmulator.port), 'tunnel'],
      [emulatorEnv(plainEmulator.port), 'forward'],
    ] as const) {
      const r = await runCli(['ai-platform', 'models', 'list'], {
        ...baseEnv,
        ...endpoints,
        CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE: caFile,
        CLOUDSDK_PROXY_TYPE: 'http',
        CLOUDSDK_PROXY_ADDRESS: '127.0.0.1',
        CLOUDSDK_PROXY_PORT: String(authProxy.port),
        CLOUDSDK_PROXY_USERNAME: 'deployer',
        CLOUDSDK_PROXY_PASSWORD: 'wrong-password',
      });
      assert.equal(r.code, 1, label);
      assert.match(
        r.stderr,
        new RegExp(
          `^ERROR: \\(gcloud\\.ai-platform\\.models\\.list\\) .*The proxy \\[http://127\\.0\\.0\\.1:${authProxy.port}\\] requires authentication \\(HTTP 407\\)`,
          'm',
        ),
        label,
      );
      assert.doesNotMatch(r.stderr, /wrong-password/, label);
    }
    assert.equal(authProxy.seen.length, 2, 'one attempt each');
  });

  test('NO_PROXY: listed hosts go direct', async () => {
    proxy.seen.length = 0;
    const r = await runCli(['ai-platform', 'models', 'list'], {
      ...baseEnv,
      ...emulatorEnv(plainEmulator.port),
      HTTP_PROXY: proxy.url,
      NO_PROXY: 'example.com,127.0.0.1',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(proxy.seen.length, 0);
  });

  test('incomplete proxy/* properties are refused as gcloud refuses them', async () => {
    const r = await runCli(['ai-platform', 'models', 'list'], {
      ...baseEnv,
      ...emulatorEnv(plainEmulator.port),
      CLOUDSDK_PROXY_TYPE: 'http',
      CLOUDSDK_PROXY_ADDRESS: '127.0.0.1',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Please set all or none of the following properties: proxy\/type, proxy\/address and proxy\/port/);
  });
});

describe('timeouts', () => {
  test('a storage answer that stalls past core/http_timeout fails that attempt, which is retried: the deploy completes', async () => {
    plainEmulator.setFaults('slow=1,slow-ms=4000,max=1,match=^POST /upload/');
    try {
      const env = { ...baseEnv, ...emulatorEnv(plainEmulator.port), CLOUDSDK_CORE_HTTP_TIMEOUT: '1', CLOUDSDK_CORE_VERBOSITY: 'info' };
      const r = await createAndDeploy(env, 'stalled', 'staging-stalled', ['--format=value(state)']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'READY\n');
      assert.match(
        r.stderr,
        /^INFO: Retrying POST http:\/\/127\.0\.0\.1:\d+\/upload\/storage\/v1\/b\/staging-stalled\/o after no answer from \[127\.0\.0\.1:\d+\] for 1s \(core\/http_timeout; UND_ERR_HEADERS_TIMEOUT\) \(attempt 2 of 5, in \d+\.\ds\)\.$/m,
      );
    } finally {
      plainEmulator.setFaults(undefined);
    }
  });
});

describe('--log-http', () => {
  test('uploads appear as request/response blocks, bodies summarised, tokens redacted', async () => {
    const env = { ...baseEnv, ...emulatorEnv(plainEmulator.port) };
    const r = await createAndDeploy(env, 'logged', 'staging-logged', ['--log-http']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /uri: http:\/\/127\.0\.0\.1:\d+\/upload\/storage\/v1\/b\/staging-logged\/o\?uploadType=multipart&ifGenerationMatch=0&name=\S+\nmethod: POST\n== headers start ==\n(.+\n)*authorization: --- Token Redacted ---\n(.+\n)*== headers end ==\n== body start ==\nBody redacted: upload of \d+ bytes \(file contents are not logged\)\.\n== body end ==/,
    );
    assert.match(
      r.stderr,
      /method: PUT\n(.+\n)*content-range: bytes 0-1048575\/6291456\n(.+\n)*== body start ==\nBody redacted: upload of 1048576 bytes/,
    );
    assert.doesNotMatch(r.stderr, new RegExp(TOKEN.replace(/\./g, '\\.')));
  });
});
