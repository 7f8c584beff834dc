// Credential resolution in gcloud's order, token caching and refresh, and the quota-project rules,
// with the token endpoint replaced by a scripted transport.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { quotaProjectFor, resolveCredentials, TokenCache, WHAT_WORKS, type TokenTransport } from '../../src/credentials/auth';
import { Properties } from '../../src/config/properties';
import { UserError } from '../../src/errors';
import { serviceAccountCredential, userCredential, writeStore } from '../support/credential-stores';
import { tempDir } from '../support/temp';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function saKey(email: string, tokenUri = 'http://key-token-uri.test/token', universe?: string): Record<string, string> {
  return {
    type: 'service_account',
    client_email: email,
    client_id: '1',
    private_key: PEM,
    private_key_id: 'kid',
    project_id: 'p',
    token_uri: tokenUri,
    ...(universe ? { universe_domain: universe } : {}),
  };
}

interface Posted {
  url: string;
  form: Record<string, string>;
}

/** A token endpoint that names its tokens after the principal and the grant. */
function scriptedTransport(lifetimeSeconds = 3600): TokenTransport & { posts: Posted[] } {
  const posts: Posted[] = [];
  return {
    posts,
    post: async (url, form) => {
      posts.push({ url, form });
      const principal = form.assertion
        ? JSON.parse(Buffer.from(form.assertion.split('.')[1], 'base64url').toString()).iss
        : `refresh:${form.refresh_token}`;
      return { status: 200, body: JSON.stringify({ access_token: `tok-${principal}-${posts.length}`, expires_in: lifetimeSeconds }) };
    },
    get: async () => {
      throw new Error('no metadata server here');
    },
  };
}

function setup(files: Record<string, string> = {}): { dir: string; config: string } {
  const dir = tempDir('gcloud-aip-auth-');
  const config = path.join(dir, 'config');
  fs.mkdirSync(config);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, config };
}

const noChecks = { CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false' };

describe('sources in gcloud order', () => {
  test('access token env > token file > credential file override > stored active account', async () => {
    const { dir, config } = setup({
      'token.txt': 'tok-from-file\n',
      'key.json': JSON.stringify(saKey('override@p.iam.gserviceaccount.com')),
    });
    writeStore(
      config,
      [{ account: 'stored@p.iam.gserviceaccount.com', credential: serviceAccountCredential(saKey('stored@p.iam.gserviceaccount.com')) }],
      'stored@p.iam.gserviceaccount.com',
    );
    const all = {
      ...noChecks,
      CLOUDSDK_CONFIG: config,
      CLOUDSDK_AUTH_ACCESS_TOKEN: 'tok-from-env',
      CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: path.join(dir, 'token.txt'),
      CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: path.join(dir, 'key.json'),
    };
    const tokenWith = async (env: NodeJS.ProcessEnv) =>
      resolveCredentials(new Properties(env), env, undefined, scriptedTransport()).token();
    assert.equal(await tokenWith(all), 'tok-from-env');
    assert.equal(await tokenWith({ ...all, CLOUDSDK_AUTH_ACCESS_TOKEN: undefined }), 'tok-from-file');
    assert.equal(
      await tokenWith({ ...all, CLOUDSDK_AUTH_ACCESS_TOKEN: undefined, CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: undefined }),
      'tok-override@p.iam.gserviceaccount.com-1',
    );
    assert.equal(await tokenWith({ ...noChecks, CLOUDSDK_CONFIG: config }), 'tok-stored@p.iam.gserviceaccount.com-1');
  });

  test('auth/disable_credentials sends nothing, whatever else is set', async () => {
    const env = { CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true', CLOUDSDK_AUTH_ACCESS_TOKEN: 'tok' };
    assert.equal(await resolveCredentials(new Properties(env), env).token(), undefined);
  });

  test('the account comes from --account, then CLOUDSDK_CORE_ACCOUNT, then the configuration', async () => {
    const { config } = setup();
    writeStore(
      config,
      ['a@p.iam.gserviceaccount.com', 'b@p.iam.gserviceaccount.com', 'c@p.iam.gserviceaccount.com'].map((account) => ({
        account,
        credential: serviceAccountCredential(saKey(account)),
      })),
      'c@p.iam.gserviceaccount.com',
    );
    const run = async (env: NodeJS.ProcessEnv, flag?: string) => {
      const properties = new Properties({ ...noChecks, CLOUDSDK_CONFIG: config, ...env });
      properties.setFromFlag('core/account', flag);
      return resolveCredentials(properties, env, undefined, scriptedTransport()).token();
    };
    assert.equal(await run({}), 'tok-c@p.iam.gserviceaccount.com-1');
    assert.equal(await run({ CLOUDSDK_CORE_ACCOUNT: 'b@p.iam.gserviceaccount.com' }), 'tok-b@p.iam.gserviceaccount.com-1');
    assert.equal(
      await run({ CLOUDSDK_CORE_ACCOUNT: 'b@p.iam.gserviceaccount.com' }, 'a@p.iam.gserviceaccount.com'),
      'tok-a@p.iam.gserviceaccount.com-1',
    );
    await assert.rejects(
      run({}, 'z@example.com'),
      (err: unknown) =>
        err instanceof UserError &&
        err.message.startsWith('Your current active account [z@example.com] does not have any valid credentials\nPlease run:') &&
        err.message.endsWith(`\n${WHAT_WORKS}`),
    );
  });

  test("Application Default Credentials are never used, so no account means gcloud's error", async () => {
    const { dir, config } = setup({ 'adc.json': JSON.stringify(saKey('someone-else@p.iam.gserviceaccount.com')) });
    fs.writeFileSync(
      path.join(config, 'application_default_credentials.json'),
      JSON.stringify(saKey('someone-else@p.iam.gserviceaccount.com')),
    );
    const env = { ...noChecks, CLOUDSDK_CONFIG: config, GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, 'adc.json'), HOME: dir };
    const transport = scriptedTransport();
    await assert.rejects(
      resolveCredentials(new Properties(env), env, undefined, transport).token(),
      (err: unknown) =>
        err instanceof UserError &&
        err.message.startsWith('You do not currently have an active account selected.\n') &&
        err.message.endsWith(`\n${WHAT_WORKS}`),
    );
    assert.equal(transport.posts.length, 0);
  });

  test("token_uri: the key's own, unless auth/token_host says otherwise", async () => {
    const { config } = setup();
    writeStore(
      config,
      [
        {
          account: 'sa@p.iam.gserviceaccount.com',
          credential: serviceAccountCredential(saKey('sa@p.iam.gserviceaccount.com', 'http://own.test/token')),
        },
      ],
      'sa@p.iam.gserviceaccount.com',
    );
    for (const [extra, expected] of [
      [{}, 'http://own.test/token'],
      [{ CLOUDSDK_AUTH_TOKEN_HOST: 'http://host.test/token' }, 'http://host.test/token'],
    ] as const) {
      const env = { ...noChecks, CLOUDSDK_CONFIG: config, ...extra };
      const transport = scriptedTransport();
      await resolveCredentials(new Properties(env), env, undefined, transport).token();
      assert.equal(transport.posts[0].url, expected);
      const claims = JSON.parse(Buffer.from(transport.posts[0].form.assertion.split('.')[1], 'base64url').toString());
      assert.equal(claims.aud, expected);
      assert.equal(transport.posts[0].form.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    }
  });

  test('a user login is refreshed with its refresh token', async () => {
    const { config } = setup();
    writeStore(
      config,
      [
        {
          account: 'alice@example.com',
          credential: userCredential({ client_id: 'cid', client_secret: 'cs', refresh_token: '1//alice' }, 'http://own.test/token'),
        },
      ],
      'alice@example.com',
    );
    const env = { ...noChecks, CLOUDSDK_CONFIG: config };
    const transport = scriptedTransport();
    assert.equal(await resolveCredentials(new Properties(env), env, undefined, transport).token(), 'tok-refresh:1//alice-1');
    assert.deepEqual(transport.posts[0], {
      url: 'http://own.test/token',
      form: { grant_type: 'refresh_token', client_id: 'cid', client_secret: 'cs', refresh_token: '1//alice' },
    });
  });

  test("gcloud's cached token is used while it has more than 5 minutes left, then refreshed", async () => {
    const { config } = setup();
    const account = 'sa@p.iam.gserviceaccount.com';
    for (const [leftMs, expected] of [
      [3600_000, 'ya29.cached'],
      [200_000, `tok-${account}-1`],
    ] as const) {
      writeStore(
        config,
        [
          {
            account,
            credential: serviceAccountCredential(saKey(account)),
            cachedToken: { token: 'ya29.cached', expiresAt: Date.now() + leftMs },
          },
        ],
        account,
      );
      const env = { ...noChecks, CLOUDSDK_CONFIG: config };
      assert.equal(await resolveCredentials(new Properties(env), env, undefined, scriptedTransport()).token(), expected);
    }
  });

  test('outside googleapis.com a service account signs its own JWT and no token endpoint is called', async () => {
    const { config } = setup();
    const account = 'sa@p.iam.gserviceaccount.com';
    writeStore(
      config,
      [
        {
          account,
          universeDomain: 'universe.example',
          credential: serviceAccountCredential(saKey(account, 'http://own.test/token', 'universe.example')),
          cachedToken: { token: 'stale', expiresAt: Date.now() + 3600_000 },
        },
      ],
      account,
    );
    const env = { ...noChecks, CLOUDSDK_CONFIG: config, CLOUDSDK_CORE_UNIVERSE_DOMAIN: 'universe.example' };
    const transport = scriptedTransport();
    const token = (await resolveCredentials(new Properties(env), env, undefined, transport).token())!;
    assert.equal(transport.posts.length, 0);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(claims.iss, account);
    assert.equal(claims.sub, account);
    assert.match(claims.scope, /cloud-platform/);
  });

  test('a refused grant is reported as gcloud reports it, naming the account', async () => {
    const { config } = setup();
    writeStore(
      config,
      [{ account: 'sa@p.iam.gserviceaccount.com', credential: serviceAccountCredential(saKey('sa@p.iam.gserviceaccount.com')) }],
      'sa@p.iam.gserviceaccount.com',
    );
    const env = { ...noChecks, CLOUDSDK_CONFIG: config };
    const transport: TokenTransport = {
      post: async () => ({ status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }) }),
      get: async () => ({ status: 404, body: '' }),
    };
    await assert.rejects(
      resolveCredentials(new Properties(env), env, undefined, transport).token(),
      (err: unknown) =>
        err instanceof UserError &&
        err.message.startsWith(
          'There was a problem refreshing auth tokens for account sa@p.iam.gserviceaccount.com: invalid_grant: Invalid JWT Signature.\nPlease run:\n\n  $ gcloud auth activate-service-account --key-file=',
        ),
    );
  });
});

describe('TokenCache', () => {
  test('refreshes before expiry: 5 minutes ahead, or half the lifetime of a short token', async () => {
    let now = 0;
    let fetched = 0;
    const cache = new TokenCache(
      async () => ({ accessToken: `t${++fetched}`, expiresAt: now + 5000 }),
      () => now,
    );
    assert.equal(await cache.token(), 't1');
    now = 2000;
    assert.equal(await cache.token(), 't1');
    now = 2600; // 2.4 s left of a 5 s token
    assert.equal(await cache.token(), 't2');
    assert.equal(await cache.token({ forceRefresh: true }), 't3');
  });

  test('concurrent callers share one refresh', async () => {
    let fetched = 0;
    const cache = new TokenCache(async () => {
      fetched++;
      await new Promise((r) => setTimeout(r, 20));
      return { accessToken: 'shared', expiresAt: Date.now() + 3600_000 };
    });
    assert.deepEqual(await Promise.all([cache.token(), cache.token(), cache.token()]), ['shared', 'shared', 'shared']);
    assert.equal(fetched, 1);
  });

  test('a token with no expiry (an access token file) is kept', async () => {
    let fetched = 0;
    const cache = new TokenCache(async () => ({ accessToken: `t${++fetched}` }));
    await cache.token();
    assert.equal(await cache.token(), 't1');
  });
});

describe('billing/quota_project (the ai-platform group defaults to LEGACY)', () => {
  test('unset and LEGACY send nothing; CURRENT_PROJECT sends the project for a user login only; a project id is sent as is', () => {
    const { config } = setup();
    writeStore(config, [
      {
        account: 'alice@example.com',
        credential: userCredential({ client_id: 'c', client_secret: 's', refresh_token: 'r' }, 'http://t/token'),
      },
      { account: 'sa@p.iam.gserviceaccount.com', credential: serviceAccountCredential(saKey('sa@p.iam.gserviceaccount.com')) },
    ]);
    const quota = (env: NodeJS.ProcessEnv) => {
      const all = { ...noChecks, CLOUDSDK_CONFIG: config, CLOUDSDK_CORE_PROJECT: 'proj', ...env };
      const properties = new Properties(all);
      return quotaProjectFor(properties, () => resolveCredentials(properties, all));
    };
    assert.equal(quota({ CLOUDSDK_CORE_ACCOUNT: 'alice@example.com' }), undefined);
    assert.equal(quota({ CLOUDSDK_CORE_ACCOUNT: 'alice@example.com', CLOUDSDK_BILLING_QUOTA_PROJECT: 'LEGACY' }), undefined);
    assert.equal(quota({ CLOUDSDK_CORE_ACCOUNT: 'alice@example.com', CLOUDSDK_BILLING_QUOTA_PROJECT: 'CURRENT_PROJECT' }), 'proj');
    assert.equal(
      quota({ CLOUDSDK_CORE_ACCOUNT: 'sa@p.iam.gserviceaccount.com', CLOUDSDK_BILLING_QUOTA_PROJECT: 'CURRENT_PROJECT' }),
      undefined,
    );
    assert.equal(quota({ CLOUDSDK_AUTH_ACCESS_TOKEN: 'tok', CLOUDSDK_BILLING_QUOTA_PROJECT: 'CURRENT_PROJECT' }), undefined);
    assert.equal(
      quota({ CLOUDSDK_CORE_ACCOUNT: 'sa@p.iam.gserviceaccount.com', CLOUDSDK_BILLING_QUOTA_PROJECT: 'billed-proj' }),
      'billed-proj',
    );
    assert.equal(quota({ CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true', CLOUDSDK_BILLING_QUOTA_PROJECT: 'billed-proj' }), undefined);
  });
});
