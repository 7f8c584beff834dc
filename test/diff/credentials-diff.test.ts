// Differential: the real gcloud activates service accounts against the emulator's token endpoint
// (the keys' token_uri), then gcloud and gcloud-aip run the same command from that one credential
// store; the emulator, which accepts only tokens it issued, must see both act as the same principal.
// Skipped — loudly — where gcloud is not installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CLI, emulatorEnv, gcloudAvailable, runCommand, scratch } from '../support/cli';
import { deployIris } from '../support/deploy';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING credential differential tests: `gcloud` is not on PATH ***\n\n');

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
const DEPLOYER = 'deployer@test-project.iam.gserviceaccount.com';
const OTHER = 'other@test-project.iam.gserviceaccount.com';

before(async () => {
  if (!HAVE_GCLOUD) return;
  emulator = await startEmulator({ port: 0, operationDelayMs: 0, buckets: ['staging-diff'], oauth: { requireIssuedTokens: true } });
  const s = scratch();
  env = { ...s.env, ...emulatorEnv(emulator.port), CLOUDSDK_AI_PLATFORM_REGION: 'global' };
  delete env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE;
  // The second activation becomes gcloud's active account.
  for (const email of [DEPLOYER, OTHER]) {
    const keyFile = path.join(s.dir, `${email}.json`);
    fs.writeFileSync(keyFile, JSON.stringify(emulator.createServiceAccountKey(email)));
    const r = await runCommand('gcloud', ['auth', 'activate-service-account', `--key-file=${keyFile}`], env);
    assert.equal(r.code, 0, r.stderr);
  }
});

after(async () => {
  await emulator?.close();
});

/** Who the emulator saw on the ml API during one run of a CLI. */
async function principalsOf(
  cli: 'gcloud' | 'gcloud-aip',
  args: string[],
): Promise<{ code: number; principals: (string | undefined)[]; tokens: number }> {
  emulator.clearRequests();
  const r = cli === 'gcloud' ? await runCommand('gcloud', args, env) : await runCommand(process.execPath, [CLI, ...args], env);
  const requests = emulator.requests();
  return {
    code: r.code,
    principals: requests.filter((q) => q.path.startsWith('/v1/')).map((q) => q.principal),
    tokens: requests.filter((q) => q.path === '/token').length,
  };
}

describe("gcloud and gcloud-aip act as the same principal from gcloud's credential store", {
  skip: !HAVE_GCLOUD && 'gcloud is not installed',
}, () => {
  test('the active account gcloud activated last', async () => {
    const theirs = await principalsOf('gcloud', ['ai-platform', 'models', 'list']);
    const ours = await principalsOf('gcloud-aip', ['ai-platform', 'models', 'list']);
    assert.equal(theirs.code, 0);
    assert.equal(ours.code, 0);
    assert.deepEqual(ours.principals, theirs.principals);
    assert.deepEqual(ours.principals, [OTHER]);
    // Both reuse the token gcloud cached at activation.
    assert.equal(ours.tokens, theirs.tokens);
  });

  test('--account picks the other stored service account in both', async () => {
    const args = ['ai-platform', 'models', 'list', `--account=${DEPLOYER}`];
    const theirs = await principalsOf('gcloud', args);
    const ours = await principalsOf('gcloud-aip', args);
    assert.deepEqual(ours.principals, theirs.principals);
    assert.deepEqual(ours.principals, [DEPLOYER]);
  });

  test('an account that is not in the store: the same error and exit code, gcloud-aip adding what works', async () => {
    const args = ['ai-platform', 'models', 'list', '--account=nobody@example.com'];
    const theirs = await runCommand('gcloud', args, env);
    const ours = await runCommand(process.execPath, [CLI, ...args], env);
    assert.equal(ours.code, theirs.code);
    assert.ok(ours.stderr.startsWith(theirs.stderr.trimEnd()), `gcloud said:\n${theirs.stderr}\ngcloud-aip said:\n${ours.stderr}`);
    assert.match(ours.stderr.slice(theirs.stderr.trimEnd().length), /^\ngcloud-aip uses gcloud's own credentials: /);
  });

  test('after `gcloud auth activate-service-account`, a gcloud-aip deploy runs as that service account', async () => {
    emulator.clearRequests();
    const model = await runCommand(process.execPath, [CLI, 'ai-platform', 'models', 'create', 'iris', '--region=global'], env);
    assert.equal(model.code, 0, model.stderr);
    const deploy = await deployIris('v1', 'staging-diff', ['--format=value(state)'], env);
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.equal(deploy.stdout.trim(), 'READY');
    const api = emulator.requests().filter((q) => q.path !== '/token');
    assert.ok(
      api.some((q) => q.path.startsWith('/upload/storage/')),
      'nothing was staged',
    );
    assert.deepEqual([...new Set(api.map((q) => q.principal))], [OTHER]);
  });

  test('`gcloud auth login --cred-file` with a workload-identity file: both act as the pool subject', async () => {
    const dir = fs.mkdtempSync(path.join(path.dirname(env.CLOUDSDK_CONFIG!), 'wif-'));
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    fs.writeFileSync(path.join(dir, 'subject.jwt'), `${encode({ alg: 'RS256' })}.${encode({ sub: 'ci-job-9' })}.signature`);
    const credFile = path.join(dir, 'external.json');
    fs.writeFileSync(
      credFile,
      JSON.stringify({
        type: 'external_account',
        audience: '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/providers/ci',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${emulator.url}v1/token`,
        token_info_url: `${emulator.url}v1/introspect`,
        credential_source: { file: path.join(dir, 'subject.jwt') },
      }),
    );
    const wifEnv = { ...env, CLOUDSDK_CONFIG: path.join(dir, 'config') };
    const login = await runCommand('gcloud', ['auth', 'login', `--cred-file=${credFile}`], wifEnv);
    assert.equal(login.code, 0, login.stderr);
    const principal = 'principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/subject/ci-job-9';
    for (const cli of ['gcloud', 'gcloud-aip'] as const) {
      emulator.clearRequests();
      const args = ['ai-platform', 'models', 'list'];
      const r = cli === 'gcloud' ? await runCommand('gcloud', args, wifEnv) : await runCommand(process.execPath, [CLI, ...args], wifEnv);
      assert.equal(r.code, 0, `${cli}: ${r.stderr}`);
      assert.deepEqual(
        emulator
          .requests()
          .filter((q) => q.path.startsWith('/v1/projects/'))
          .map((q) => q.principal),
        [principal],
        cli,
      );
    }
  });
});
