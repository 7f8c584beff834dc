// End to end: the built CLI finds credentials where gcloud does and reaches the emulator as that
// principal. The emulator issues the tokens (its /token endpoint), refuses any bearer token it did
// not issue, and records whose token each request carried.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator, type RecordedRequest } from '../../src/emulator';
import { jwtBearerGrant } from '../../src/credentials/grants';
import { CLI, emulatorEnv, runCli, scratch } from '../support/cli';
import { deployIris } from '../support/deploy';
import { serviceAccountCredential, userCredential, writeStore } from '../support/credential-stores';

let emulator: RunningEmulator;

before(async () => {
  emulator = await startEmulator({
    port: 0,
    operationDelayMs: 0,
    buckets: ['staging-auth'],
    oauth: { requireIssuedTokens: true, metadataServiceAccount: 'vm@test-project.iam.gserviceaccount.com' },
  });
  await createModel(emulator, 'iris');
});

after(async () => {
  await emulator.close();
});

const post = async (url: string, form: Record<string, string>) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.text() };
};

/** An access token the emulator issued to a new service account. */
async function issuedToken(emu: RunningEmulator, email: string): Promise<string> {
  const key = emu.createServiceAccountKey(email);
  return (await jwtBearerGrant(key, key.token_uri, post)).accessToken;
}

async function createModel(emu: RunningEmulator, name: string): Promise<void> {
  const token = await issuedToken(emu, 'admin@test-project.iam.gserviceaccount.com');
  const res = await fetch(`${emu.url}v1/projects/test-project/models`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** A scratch gcloud setup pointed at the emulator, with no credential of any kind yet. */
function setup(emu: RunningEmulator): { dir: string; config: string; env: NodeJS.ProcessEnv } {
  const s = scratch();
  const env: NodeJS.ProcessEnv = { ...s.env, ...emulatorEnv(emu.port), CLOUDSDK_AI_PLATFORM_REGION: 'global' };
  delete env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE;
  return { dir: s.dir, config: s.env.CLOUDSDK_CONFIG!, env };
}

const mlRequests = (emu: RunningEmulator): RecordedRequest[] => emu.requests().filter((r) => r.path.startsWith('/v1/'));
const tokenRequests = (emu: RunningEmulator): RecordedRequest[] => emu.requests().filter((r) => r.path === '/token');

async function listAs(
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): Promise<{ code: number; stderr: string; principal: string | undefined; request: RecordedRequest | undefined }> {
  emulator.clearRequests();
  const r = await runCli(['ai-platform', 'models', 'list', ...extra], env);
  const request = mlRequests(emulator).at(-1);
  return { code: r.code, stderr: r.stderr, principal: request?.principal, request };
}

describe('credential sources, in gcloud order', () => {
  test('access token env > access token file > credential file override > stored active account > GCE metadata', async () => {
    const { dir, config, env } = setup(emulator);
    fs.writeFileSync(path.join(dir, 'token.txt'), await issuedToken(emulator, 'file@test-project.iam.gserviceaccount.com'));
    fs.writeFileSync(
      path.join(dir, 'key.json'),
      JSON.stringify(emulator.createServiceAccountKey('override@test-project.iam.gserviceaccount.com')),
    );
    const stored = emulator.createServiceAccountKey('stored@test-project.iam.gserviceaccount.com');
    writeStore(config, [{ account: stored.client_email, credential: serviceAccountCredential(stored) }]);
    const all: NodeJS.ProcessEnv = {
      ...env,
      CLOUDSDK_AUTH_ACCESS_TOKEN: await issuedToken(emulator, 'env@test-project.iam.gserviceaccount.com'),
      CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: path.join(dir, 'token.txt'),
      CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: path.join(dir, 'key.json'),
      CLOUDSDK_CORE_ACCOUNT: stored.client_email,
      // gcloud asks the metadata server for an account only when none is set.
      CLOUDSDK_CORE_CHECK_GCE_METADATA: 'true',
      GCE_METADATA_ROOT: `127.0.0.1:${emulator.port}`,
    };
    const expected = ['env', 'file', 'override', 'stored', 'vm'];
    const unset = [
      'CLOUDSDK_AUTH_ACCESS_TOKEN',
      'CLOUDSDK_AUTH_ACCESS_TOKEN_FILE',
      'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE',
      'CLOUDSDK_CORE_ACCOUNT',
    ];
    const current = { ...all };
    for (const [i, who] of expected.entries()) {
      const r = await listAs(current);
      assert.equal(r.code, 0, `${who}: ${r.stderr}`);
      assert.equal(r.principal, `${who}@test-project.iam.gserviceaccount.com`);
      if (i < unset.length) delete current[unset[i]];
    }
    // Without the metadata server (off GCE) there is nothing left.
    const none = await listAs({ ...current, CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false' });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /You do not currently have an active account selected\./);
    assert.equal(none.request, undefined);
  });

  test('auth/disable_credentials sends no Authorization header at all', async () => {
    const { env } = setup(emulator);
    const r = await listAs({ ...env, CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true', CLOUDSDK_AUTH_ACCESS_TOKEN: 'ignored' });
    assert.equal(r.request?.headers.authorization, undefined);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /This command is unauthenticated because the \[auth\/disable_credentials\] property is True\./);
  });

  test('a stored user login (refresh token) reaches the emulator as the user', async () => {
    const { config, env } = setup(emulator);
    writeStore(
      config,
      [{ account: 'alice@example.com', credential: userCredential(emulator.createUserLogin('alice@example.com'), `${emulator.url}token`) }],
      'alice@example.com',
    );
    const r = await listAs(env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.principal, 'alice@example.com');
    assert.equal(tokenRequests(emulator).length, 1);
    assert.deepEqual(tokenRequests(emulator)[0].body, { grant_type: 'refresh_token' });
  });
});

/** A workload-identity credential file whose subject token (a JWT naming `sub`) sits beside it. */
function externalAccount(emu: RunningEmulator, dir: string, sub: string): Record<string, unknown> {
  const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const subjectFile = path.join(dir, `${sub}.jwt`);
  fs.writeFileSync(subjectFile, `${encode({ alg: 'RS256' })}.${encode({ sub, iss: 'https://ci.example' })}.signature`);
  return {
    type: 'external_account',
    audience: '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/providers/ci',
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: `${emu.url}v1/token`,
    token_info_url: `${emu.url}v1/introspect`,
    credential_source: { file: subjectFile },
    universe_domain: 'googleapis.com',
  };
}

describe('workload identity (external accounts)', () => {
  test('stored by `gcloud auth login --cred-file`, or named by auth/credential_file_override: exchanged at STS, acting as the pool subject', async () => {
    const { dir, config, env } = setup(emulator);
    const principal = 'principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/subject/ci-job-7';
    writeStore(config, [{ account: principal, credential: externalAccount(emulator, dir, 'ci-job-7') }], principal);
    const stored = await listAs(env);
    assert.equal(stored.code, 0, stored.stderr);
    assert.equal(stored.principal, principal);
    assert.deepEqual(
      emulator
        .requests()
        .filter((q) => q.path === '/v1/token')
        .map((q) => q.body),
      [{ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange' }],
    );

    fs.writeFileSync(path.join(dir, 'external.json'), JSON.stringify(externalAccount(emulator, dir, 'ci-job-8')));
    const override = await listAs({ ...env, CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: path.join(dir, 'external.json') });
    assert.equal(override.code, 0, override.stderr);
    assert.equal(override.principal, principal.replace('ci-job-7', 'ci-job-8'));
  });
});

describe('--account and core/account', () => {
  test('--account chooses between two stored accounts; core/account is the default; an unknown one is refused', async () => {
    const { config, env } = setup(emulator);
    const first = emulator.createServiceAccountKey('first@test-project.iam.gserviceaccount.com');
    const second = emulator.createServiceAccountKey('second@test-project.iam.gserviceaccount.com');
    writeStore(
      config,
      [first, second].map((key) => ({ account: key.client_email, credential: serviceAccountCredential(key) })),
      first.client_email,
    );
    assert.equal((await listAs(env)).principal, first.client_email);
    assert.equal((await listAs(env, [`--account=${second.client_email}`])).principal, second.client_email);
    assert.equal((await listAs({ ...env, CLOUDSDK_CORE_ACCOUNT: second.client_email })).principal, second.client_email);
    const unknown = await listAs(env, ['--account=nobody@example.com']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.request, undefined);
    assert.match(
      unknown.stderr,
      /ERROR: \(gcloud\.ai-platform\.models\.list\) Your current active account \[nobody@example\.com\] does not have any valid credentials\nPlease run:\n\n {2}\$ gcloud auth login\n[\s\S]*\n {2}\$ gcloud auth activate-service-account ACCOUNT\ngcloud-aip uses gcloud's own credentials: /,
    );
  });

  test('Application Default Credentials in $HOME do not replace the stored login (and are not used without one)', async () => {
    const { dir, config, env } = setup(emulator);
    const adc = JSON.stringify({ type: 'authorized_user', ...emulator.createUserLogin('mallory@example.com') });
    fs.mkdirSync(path.join(dir, '.config', 'gcloud'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.config', 'gcloud', 'application_default_credentials.json'), adc);
    fs.writeFileSync(path.join(config, 'application_default_credentials.json'), adc);
    const withAdc = { ...env, GOOGLE_APPLICATION_CREDENTIALS: path.join(config, 'application_default_credentials.json') };
    writeStore(
      config,
      [{ account: 'alice@example.com', credential: userCredential(emulator.createUserLogin('alice@example.com'), `${emulator.url}token`) }],
      'alice@example.com',
    );
    const r = await listAs(withAdc);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.principal, 'alice@example.com');
    fs.rmSync(path.join(config, 'configurations'), { recursive: true });
    const none = await listAs(withAdc);
    assert.equal(none.code, 1);
    assert.equal(none.request, undefined);
    assert.match(none.stderr, /You do not currently have an active account selected\./);
  });
});

describe('token endpoints and caches', () => {
  test("the key's token_uri, or auth/token_host over it", async () => {
    const { config, env } = setup(emulator);
    const key = emulator.createServiceAccountKey('tokenhost@test-project.iam.gserviceaccount.com');
    writeStore(
      config,
      [{ account: key.client_email, credential: serviceAccountCredential({ ...key, token_uri: `${emulator.url}no-token-endpoint-here` }) }],
      key.client_email,
    );
    const dead = await listAs(env);
    assert.equal(dead.code, 1);
    assert.match(dead.stderr, /There was a problem refreshing auth tokens for account tokenhost@test-project\.iam\.gserviceaccount\.com: /);
    const viaHost = await listAs({ ...env, CLOUDSDK_AUTH_TOKEN_HOST: `${emulator.url}token` });
    assert.equal(viaHost.code, 0, viaHost.stderr);
    assert.equal(viaHost.principal, key.client_email);
  });

  test("gcloud's cached access token is used as is while valid; an expiring one is refreshed", async () => {
    const { config, env } = setup(emulator);
    const key = emulator.createServiceAccountKey('cached@test-project.iam.gserviceaccount.com');
    const cachedToken = { token: (await jwtBearerGrant(key, key.token_uri, post)).accessToken, expiresAt: Date.now() + 3000_000 };
    writeStore(config, [{ account: key.client_email, credential: serviceAccountCredential(key), cachedToken }], key.client_email);
    const fresh = await listAs(env);
    assert.equal(fresh.principal, key.client_email);
    assert.equal(fresh.request?.headers.authorization, `Bearer ${cachedToken.token}`);
    assert.equal(tokenRequests(emulator).length, 0);
    writeStore(
      config,
      [
        {
          account: key.client_email,
          credential: serviceAccountCredential(key),
          cachedToken: { ...cachedToken, expiresAt: Date.now() + 60_000 },
        },
      ],
      key.client_email,
    );
    const refreshed = await listAs(env);
    assert.equal(refreshed.principal, key.client_email);
    assert.notEqual(refreshed.request?.headers.authorization, `Bearer ${cachedToken.token}`);
    assert.equal(tokenRequests(emulator).length, 1);
  });

  test('core/universe_domain: a service account of that universe signs its own JWT; an account of another universe is refused', async () => {
    const { config, env } = setup(emulator);
    const key: Record<string, string> = {
      ...emulator.createServiceAccountKey('uni@test-project.iam.gserviceaccount.com'),
      universe_domain: 'universe.example',
    };
    writeStore(
      config,
      [{ account: key.client_email, universeDomain: 'universe.example', credential: serviceAccountCredential(key) }],
      key.client_email,
    );
    const r = await listAs({ ...env, CLOUDSDK_CORE_UNIVERSE_DOMAIN: 'universe.example' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.principal, key.client_email);
    assert.equal(tokenRequests(emulator).length, 0);
    const wrong = await listAs(env);
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      /The account \[uni@test-project\.iam\.gserviceaccount\.com\] is available in the following universe domain\(s\): \[universe\.example\], but it is not available in \[googleapis\.com\]/,
    );
  });

  test('billing/quota_project=CURRENT_PROJECT sends the project for a user login, not for a service account', async () => {
    const { config, env } = setup(emulator);
    const key = emulator.createServiceAccountKey('quota@test-project.iam.gserviceaccount.com');
    writeStore(config, [
      { account: 'alice@example.com', credential: userCredential(emulator.createUserLogin('alice@example.com'), `${emulator.url}token`) },
      { account: key.client_email, credential: serviceAccountCredential(key) },
    ]);
    const quota = { ...env, CLOUDSDK_BILLING_QUOTA_PROJECT: 'CURRENT_PROJECT' };
    assert.equal(
      (await listAs({ ...quota, CLOUDSDK_CORE_ACCOUNT: 'alice@example.com' })).request?.headers['x-goog-user-project'],
      'test-project',
    );
    assert.equal((await listAs({ ...quota, CLOUDSDK_CORE_ACCOUNT: key.client_email })).request?.headers['x-goog-user-project'], undefined);
    assert.equal(
      (await listAs({ ...env, CLOUDSDK_CORE_ACCOUNT: 'alice@example.com', CLOUDSDK_BILLING_QUOTA_PROJECT: 'LEGACY' })).request?.headers[
        'x-goog-user-project'
      ],
      undefined,
    );
    assert.equal(
      (await listAs({ ...env, CLOUDSDK_CORE_ACCOUNT: key.client_email }, ['--billing-project=billed'])).request?.headers[
        'x-goog-user-project'
      ],
      'billed',
    );
  });
});

describe('token refresh during long work', () => {
  test('5-second tokens, a 15-second operation: the version is created and waited for without a 401', async () => {
    const emu = await startEmulator({
      port: 0,
      operationDelayMs: 15_000,
      buckets: ['staging-auth'],
      oauth: { requireIssuedTokens: true, tokenLifetimeSeconds: 5 },
    });
    try {
      await createModel(emu, 'iris');
      const { config, env } = setup(emu);
      const key = emu.createServiceAccountKey('deployer@test-project.iam.gserviceaccount.com');
      writeStore(config, [{ account: key.client_email, credential: serviceAccountCredential(key) }], key.client_email);
      emu.clearRequests();
      const r = await deployIris('v1', 'staging-auth', ['--format=value(state)'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'READY');
      const api = emu.requests().filter((q) => q.path !== '/token');
      assert.deepEqual(
        api.filter((q) => q.status === 401),
        [],
      );
      assert.ok(api.every((q) => q.principal === key.client_email));
      assert.ok(tokenRequests(emu).length >= 3, `only ${tokenRequests(emu).length} token grants in a 15 s wait with 5 s tokens`);
    } finally {
      await emu.close();
    }
  });
});

describe('emulators ai-platform start: OAuth flags', () => {
  test('--token-lifetime and --require-issued-tokens', async () => {
    const s = scratch();
    const child = spawn(
      process.execPath,
      [
        CLI,
        'emulators',
        'ai-platform',
        'start',
        '--host-port=127.0.0.1:0',
        `--data-dir=${path.join(s.dir, 'emu')}`,
        '--token-lifetime=7',
        '--require-issued-tokens',
      ],
      {
        env: s.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const onData = (d: Buffer) => {
          out += d;
          const m = /listening on (http:\/\/\S+\/)/.exec(out);
          if (m) resolve(m[1]);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('close', () => reject(new Error(`emulator exited: ${out}`)));
      });
      assert.equal((await fetch(`${url}v1/projects/p/models`)).status, 401);
      const key = (await (
        await fetch(`${url}__emulator/service-account-keys`, {
          method: 'POST',
          body: JSON.stringify({ email: 'x@p.iam.gserviceaccount.com' }),
        })
      ).json()) as Record<string, string>;
      const grant = await post(key.token_uri, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'not.a.jwt' });
      assert.equal(grant.status, 400);
      const issued = await jwtBearerGrant(key, key.token_uri, post);
      assert.ok(issued.expiresAt! - Date.now() <= 7000);
      assert.equal((await fetch(`${url}v1/projects/p/models`, { headers: { authorization: `Bearer ${issued.accessToken}` } })).status, 200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
