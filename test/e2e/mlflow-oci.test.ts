// End to end: `versions create --mlflow-model` and `mlflow model-versions create` (the built CLI)
// against the emulator's OCI AI Data Platform registry when it checks OCI request signatures
// (--oci-trust): API keys from ~/.oci/config, session tokens, resource principals, instance
// principals (the emulator's metadata service and federation endpoint); unsigned, untrusted and
// tampered requests get OCI's 401.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { requestSigner } from '../../src/mlflow/oci-auth';
import { createModel, emulatorEnv, runCli, scratch } from '../support/cli';
import { deployIris } from '../support/deploy';
import { putObject, registryCreates, registryRequests } from '../support/mlflow';
import { ENCRYPTED_FP, OCI_FIXTURES, ociHome, PASS_PHRASE, PLAIN_FP, sessionToken } from '../support/oci';
import { testHttp } from '../support/net';

const PLATFORM = 'ocid1.aidataplatform.oc1.iad.signed';
const TENANCY = 'ocid1.tenancy.oc1..e2e';
const API_KEY_ID = `${TENANCY}/ocid1.user.oc1..deployer/${PLAIN_FP}`;
const TRUSTED = `[DEFAULT]
tenancy=${TENANCY}
user=ocid1.user.oc1..deployer
fingerprint=${PLAIN_FP}
key_file=~/.oci/api_key.pem
region=us-ashburn-1

[SESSION]
key_file=~/.oci/session_key.pem
security_token_file=~/.oci/sessions/SESSION/token
`;
// The CLI's config has one more profile, whose key the emulator was not told about.
const CLI_CONFIG = `${TRUSTED}
[STRANGER]
user=ocid1.user.oc1..stranger
fingerprint=${ENCRYPTED_FP}
key_file=~/.oci/api_key_encrypted.pem
pass_phrase=${PASS_PHRASE}
`;
const SESSION_TOKEN = 'opaque-session-token-of-the-e2e-test';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let oci: string;

before(async () => {
  const home = ociHome(CLI_CONFIG);
  fs.mkdirSync(path.join(home.dir, '.oci', 'sessions', 'SESSION'), { recursive: true });
  fs.writeFileSync(path.join(home.dir, '.oci', 'sessions', 'SESSION', 'token'), `${SESSION_TOKEN}\n`);
  const trustFile = path.join(home.dir, 'trusted-config');
  fs.writeFileSync(trustFile, TRUSTED);
  // The emulator reads the trusted config's `~` against its own HOME: the test's.
  const savedHome = process.env.HOME;
  process.env.HOME = home.dir;
  try {
    emulator = await startEmulator({
      port: 0,
      operationDelayMs: 0,
      registrationDelayMs: 100,
      buckets: ['staging-oci'],
      ociTrust: [trustFile, path.join(OCI_FIXTURES, 'issuer_key_public.pem')],
      ociMetadataDir: path.join(OCI_FIXTURES, 'imds'),
    });
  } finally {
    process.env.HOME = savedHome;
  }
  oci = `http://127.0.0.1:${emulator.port}/20260430/aiDataPlatforms/${PLATFORM}/mlops`;
  env = {
    ...scratch().env,
    ...emulatorEnv(emulator.port),
    CLOUDSDK_AI_PLATFORM_REGION: 'global',
    HOME: home.dir,
    MLFLOW_TRACKING_URI: oci,
  };
  await createModel(emulator.port, 'test-project', 'iris');
  await putObject(emulator.port, 'staging-oci', 'model/saved_model.pb');
});

after(async () => {
  await emulator.close();
});

const keyIdOf = (authorization: string | undefined) => /keyId="([^"]*)"/.exec(authorization ?? '')?.[1];
const deploy = (version: string, mlflow: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  deployIris(version, 'staging-oci', ['--format=json', ...mlflow], { ...env, ...extraEnv });

/** A port nothing listens on (just released by the OS). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface ModelVersion {
  version: string;
  source: string;
  status: string;
  tags: { key: string; value: string }[];
}

async function search(filter: string): Promise<ModelVersion[]> {
  // The emulator's own route for inspecting the registry, signed as any OCI client would sign it.
  const signer = requestSigner({ oci: true, env: { HOME: env.HOME }, http: testHttp(), warn: () => undefined, authFlag: '--auth' })!;
  const url = `${oci}/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent(filter)}`;
  const res = await fetch(url, { headers: await signer.sign({ method: 'GET', url, headers: {} }) });
  assert.equal(res.status, 200);
  return ((await res.json()) as { model_versions?: ModelVersion[] }).model_versions ?? [];
}

describe('OCI request signing against the emulator', () => {
  test('API key (the default with ~/.oci/config): registers exactly once, every request signed and verified, a lost answer adopted', async () => {
    emulator.clearRequests();
    emulator.setFaults('lost=1,max=1,match=model-versions/create$');
    const r = await deploy('v_key', ['--mlflow-model=iris-signed']).finally(() => emulator.setFaults(undefined));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Registered version \[1\] of MLflow model \[iris-signed\] \(READY\)\./);
    const requests = registryRequests(emulator);
    assert.ok(requests.length >= 4);
    for (const q of requests) {
      assert.equal(keyIdOf(q.headers.authorization), API_KEY_ID, `${q.method} ${q.path}`);
      assert.notEqual(q.status, 401, `${q.method} ${q.path}`);
    }
    // The lost answer's create took effect: the version is found by its operation tag, not created again.
    const posts = registryCreates(emulator);
    assert.equal(posts.length, 1);
    assert.equal(posts[0].fault, 'lost');
    assert.match(posts[0].headers['opc-retry-token'], /^[0-9a-f]{64}$/);
    assert.match(
      r.stderr,
      /WARNING: The create request got no answer, but the registry had registered it: version \[1\] of MLflow model \[iris-signed\]/,
    );
    const versions = await search("name='iris-signed'");
    assert.deepEqual(
      versions.map((v) => v.version),
      ['1'],
    );

    // The same registration again, standalone with the same values (so the same retry token): no duplicate.
    const tags = versions[0].tags.map((t) => `${t.key}=${t.value}`).join(',');
    for (const run of [1, 2]) {
      const again = await runCli(
        [
          'mlflow',
          'model-versions',
          'create',
          '--name=iris-signed',
          `--source=${versions[0].source}`,
          `--tags=${tags}`,
          '--format=value(version)',
        ],
        env,
      );
      assert.equal(again.code, 0, `run ${run}: ${again.stderr}`);
      assert.equal(again.stdout, '1\n');
      assert.match(
        again.stderr,
        /WARNING: This registration was already made: version \[1\] of MLflow model \[iris-signed\] has the tag ai-platform\.operation=/,
      );
    }
    assert.deepEqual(
      (await search("name='iris-signed'")).map((v) => v.version),
      ['1'],
    );
  });

  test('--log-http (and --verbosity=debug): the authorization header is redacted, the keyId that signed is shown, no key material', async () => {
    const r = await runCli(
      [
        'mlflow',
        'model-versions',
        'create',
        '--name=iris-log',
        '--source=gs://staging-oci/model/',
        '--log-http',
        '--verbosity=debug',
        '--format=none',
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`MLflow registry requests are signed \\(api_key\\) with keyId \\[${API_KEY_ID.replace(/[.]/g, '\\.')}\\]\\.`),
    );
    assert.match(r.stderr, /\nauthorization: --- Token Redacted ---\n/);
    assert.match(r.stderr, /\nx-content-sha256: /);
    assert.doesNotMatch(r.stderr, /signature="|BEGIN|PRIVATE KEY/);
  });

  test('session token (security_token): keyId ST$TOKEN with the profile key; the token never printed', async () => {
    emulator.clearRequests();
    const r = await deploy('v_session', [
      '--mlflow-model=iris-session',
      '--mlflow-auth=security_token',
      '--mlflow-oci-profile=SESSION',
      '--log-http',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /signed \(security_token\) with keyId \[ST\$<session token of profile SESSION>\]/);
    assert.doesNotMatch(r.stderr + r.stdout, new RegExp(SESSION_TOKEN));
    assert.equal(registryCreates(emulator).length, 1);
    assert.equal(keyIdOf(registryCreates(emulator)[0].headers.authorization), `ST$${SESSION_TOKEN}`);
    assert.deepEqual(
      (await search("name='iris-session'")).map((v) => v.status),
      ['READY'],
    );
  });

  test('resource principal 2.2: an RPST the trusted issuer signed', async () => {
    const rp = {
      OCI_RESOURCE_PRINCIPAL_VERSION: '2.2',
      OCI_RESOURCE_PRINCIPAL_RPST: sessionToken({ exp: Math.floor(Date.now() / 1000) + 600 }),
      OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: path.join(OCI_FIXTURES, 'session_key.pem'),
      OCI_RESOURCE_PRINCIPAL_REGION: 'us-ashburn-1',
    };
    const r = await runCli(
      [
        'mlflow',
        'model-versions',
        'create',
        '--name=iris-rp',
        '--source=gs://staging-oci/model/',
        '--auth=resource_principal',
        '--format=value(status)',
      ],
      { ...env, ...rp },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'READY\n');
  });

  test('instance principal: the instance identity from the metadata service, exchanged for a token at the federation endpoint', async () => {
    emulator.clearRequests();
    const base = `http://127.0.0.1:${emulator.port}`;
    const ip = { OCI_METADATA_BASE_URL: `${base}/opc/v2`, OCI_SDK_AUTH_CLIENT_REGION_URL: base };
    const r = await deploy('v_instance', ['--mlflow-model=iris-instance', '--mlflow-auth=instance_principal', '--log-http'], ip);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /signed \(instance_principal\) with keyId \[ST\$<instance principal session token>\]/);
    assert.doesNotMatch(r.stderr + r.stdout, /PRIVATE KEY|eyJ/);
    // Through the CLI's one client: the metadata and federation requests are in --log-http, answers redacted.
    assert.match(r.stderr, /^uri: http:\/\/127\.0\.0\.1:\d+\/opc\/v2\/identity\/key\.pem$/m);
    assert.match(r.stderr, /^uri: http:\/\/127\.0\.0\.1:\d+\/v1\/x509$/m);
    const [federation, ...rest] = emulator.requests().filter((q) => q.path === '/v1/x509');
    assert.equal(rest.length, 0, 'one token for the whole run');
    assert.equal(federation.status, 200);
    assert.match(keyIdOf(federation.headers.authorization) ?? '', /^ocid1\.tenancy\.oc1\.\.e2e\/fed-x509\/([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.deepEqual(
      emulator
        .requests()
        .filter((q) => q.path.startsWith('/opc/v2/'))
        .map((q) => [q.path, q.status, q.headers.authorization]),
      [
        ['/opc/v2/identity/cert.pem', 200, 'Bearer Oracle'],
        ['/opc/v2/identity/key.pem', 200, 'Bearer Oracle'],
        ['/opc/v2/identity/intermediate.pem', 200, 'Bearer Oracle'],
      ],
    );
    assert.equal(registryCreates(emulator).length, 1);
    assert.match(keyIdOf(registryCreates(emulator)[0].headers.authorization) ?? '', /^ST\$eyJ/);
    assert.deepEqual(
      (await search("name='iris-instance'")).map((v) => v.status),
      ['READY'],
    );

    // Off OCI (nothing listens at the metadata address): a clear error.
    const closed = await closedPort();
    const off = await runCli(
      ['mlflow', 'model-versions', 'create', '--name=iris-off', '--source=gs://staging-oci/model/', '--auth=instance_principal'],
      { ...env, OCI_METADATA_BASE_URL: `http://127.0.0.1:${closed}/opc/v2` },
    );
    assert.equal(off.code, 1);
    assert.match(
      off.stderr,
      new RegExp(
        `Could not reach the OCI instance metadata service at \\[http://127\\.0\\.0\\.1:${closed}/opc/v2/identity/cert\\.pem\\] \\(ECONNREFUSED\\): instance principals work on OCI compute instances`,
      ),
    );
  });

  test("refused with OCI's 401 at the pre-check: no signature (bearer), an untrusted key; nothing uploaded or deployed, the message says why", async () => {
    emulator.clearRequests();
    const bearer = await deploy('v_bearer', ['--mlflow-model=iris-bearer', '--mlflow-auth=bearer'], {
      MLFLOW_TRACKING_TOKEN: 'not-a-signature',
    });
    assert.equal(bearer.code, 1, bearer.stderr);
    assert.match(
      bearer.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.create\) Nothing was uploaded or deployed: the MLflow registry check failed\. The MLflow registry refused registered-models\/get: HTTP 401 Unauthorized \(missing or expired credentials, and so on\)\. NotAuthenticated: The required information to complete authentication was not provided or was incorrect\. The request carried no OCI signature: .* \(opc-request-id: [0-9A-F]{32}\)\n$/,
    );
    const stranger = await deploy('v_stranger', ['--mlflow-model=iris-stranger', '--mlflow-oci-profile=STRANGER']);
    assert.equal(stranger.code, 1, stranger.stderr);
    assert.match(
      stranger.stderr,
      new RegExp(
        `HTTP 401 Unauthorized .* The request was signed \\(api_key\\) with keyId \\[${TENANCY.replace(/[.]/g, '\\.')}/ocid1\\.user\\.oc1\\.\\.stranger/${ENCRYPTED_FP}\\]`,
      ),
    );
    // One registry call each (the pre-check), nothing staged, no version created.
    assert.deepEqual(
      emulator.requests().map((q) => `${q.method} ${q.path.replace(/^.*\/api\/2\.0\/mlflow\//, '')} ${q.status}`),
      ['GET registered-models/get 401', 'GET registered-models/get 401'],
    );
  });

  test('checked before the deploy: a missing profile stops the command with nothing sent; the flags need --mlflow-model', async () => {
    emulator.clearRequests();
    const missing = await deploy('v_nope', ['--mlflow-model=iris-nope', '--mlflow-oci-profile=NOPE']);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(
      missing.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.create\) The OCI config file \[.*\/\.oci\/config\] has no profile \[NOPE\] \(profiles: DEFAULT, SESSION, STRANGER\)\.\n/,
    );
    const orphan = await deploy('v_nope', ['--mlflow-auth=api_key']);
    assert.equal(orphan.code, 2);
    assert.match(orphan.stderr, /argument --mlflow-model: Must be specified with --mlflow-auth\./);
    const badMode = await deploy('v_nope', ['--mlflow-model=iris-nope', '--mlflow-auth=password']);
    assert.equal(badMode.code, 2);
    assert.match(badMode.stderr, /argument --mlflow-auth: Invalid choice: 'password'/);
    assert.equal(emulator.requests().length, 0);
  });

  test("a tampered signature, body or date is refused with OCI's error body and an opc-request-id", async () => {
    const signer = requestSigner({ oci: true, env: { HOME: env.HOME }, http: testHttp(), warn: () => undefined, authFlag: '--auth' })!;
    const url = `${oci}/api/2.0/mlflow/registered-models/create`;
    const body = JSON.stringify({ name: 'iris-tampered' });
    const headers = await signer.sign({ method: 'POST', url, headers: {}, body });
    const send = (h: Record<string, string>, b = body) => fetch(url, { method: 'POST', headers: h, body: b });
    const tamperedSignature = headers.authorization.replace(/signature="(.)/, (_, c: string) => `signature="${c === 'A' ? 'B' : 'A'}`);
    for (const [what, res] of [
      ['signature', await send({ ...headers, authorization: tamperedSignature })],
      ['body', await send(headers, JSON.stringify({ name: 'iris-tamperee' }))],
      ['date', await send({ ...headers, 'x-date': new Date(Date.now() - 3_600_000).toUTCString() })],
    ] as const) {
      assert.equal(res.status, 401, what);
      assert.match(res.headers.get('opc-request-id') ?? '', /^[0-9A-F]{32}$/, what);
      assert.deepEqual(
        await res.json(),
        { code: 'NotAuthenticated', message: 'The required information to complete authentication was not provided or was incorrect.' },
        what,
      );
    }
    const good = await send(headers);
    assert.equal(good.status, 200);
  });
});

describe('emulators ai-platform start --oci-trust', () => {
  test('a file that is neither an OCI config nor a PEM key is refused at start', async () => {
    const { env: startEnv, dir } = scratch();
    const r = await runCli(
      ['emulators', 'ai-platform', 'start', '--host-port=127.0.0.1:0', `--data-dir=${dir}/data`, `--oci-trust=${dir}/missing-config`],
      startEnv,
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERROR: \(gcloud\.emulators\.ai-platform\.start\) Invalid --oci-trust \[.*missing-config\]: ENOENT/);
  });
});
