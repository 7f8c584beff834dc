// The gcloud-wide flags, each against the emulator: what reaches the wire and what is printed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createModel, emulatorEnv, runCli, scratch, TOKEN } from '../support/cli';
import { createIrisVersion } from '../support/deploy';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let dir: string;

before(async () => {
  emulator = await startEmulator({ port: 0, operationDelayMs: 0 });
  ({ dir, env } = scratch());
  env = {
    ...env,
    ...emulatorEnv(emulator.port),
    CLOUDSDK_AI_PLATFORM_REGION: 'global',
    CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS: `http://127.0.0.1:${emulator.port}/`,
  };
  for (const project of ['test-project', 'named-config-project', 'flag-project']) await createModel(emulator.port, project, 'iris');
});

after(() => emulator.close());

const create = (name: string, ...extra: string[]) => createIrisVersion(name, ['--origin', 'gs://b/model/', '--async', ...extra], env);
const mlPosts = () => emulator.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/versions'));

describe('gcloud-wide flags', () => {
  test('--project names the project in the request path', async () => {
    emulator.clearRequests();
    const r = await create('v_project', '--project', 'flag-project');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mlPosts()[0].path, '/v1/projects/flag-project/models/iris/versions');
  });

  test('--configuration selects a named configuration’s properties', async () => {
    emulator.clearRequests();
    const configurations = path.join(env.CLOUDSDK_CONFIG!, 'configurations');
    fs.mkdirSync(configurations, { recursive: true });
    fs.writeFileSync(path.join(configurations, 'config_deploy'), '[core]\nproject = named-config-project\n');
    // Unset, not empty: gcloud refuses an empty CLOUDSDK_CORE_PROJECT.
    const { CLOUDSDK_CORE_PROJECT: _project, ...withoutProject } = env;
    const r = await createIrisVersion('v_config', ['--origin', 'gs://b/model/', '--async', '--configuration', 'deploy'], withoutProject);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mlPosts()[0].path, '/v1/projects/named-config-project/models/iris/versions');
  });

  test('--access-token-file: the file’s token, surrounding whitespace stripped, is the bearer', async () => {
    emulator.clearRequests();
    const file = path.join(dir, 'other-token.txt');
    fs.writeFileSync(file, '  ya29.from-flag-file \n\n');
    const r = await create('v_token', '--access-token-file', file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mlPosts()[0].headers.authorization, 'Bearer ya29.from-flag-file');
  });

  test('--impersonate-service-account: IAM Credentials is called with the source token; the API call carries the impersonated one', async () => {
    emulator.clearRequests();
    const r = await create('v_impersonate', '--impersonate-service-account', 'deployer@test-project.iam.gserviceaccount.com');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^WARNING: This command is using service account impersonation\. All API calls will be executed as \[deployer@test-project\.iam\.gserviceaccount\.com\]\.$/m,
    );
    const [iam] = emulator.requests().filter((q) => q.path.endsWith(':generateAccessToken'));
    assert.equal(iam.path, '/v1/projects/-/serviceAccounts/deployer@test-project.iam.gserviceaccount.com:generateAccessToken');
    assert.equal(iam.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(
      String(mlPosts()[0].headers.authorization),
      /^Bearer ya29\.emulator-impersonated\.deployer@test-project\.iam\.gserviceaccount\.com\./,
    );
    assert.doesNotMatch(r.stderr + r.stdout, /ya29\./);
  });

  test('--impersonate-service-account with a delegate chain, and the impersonation named after an API error', async () => {
    emulator.clearRequests();
    const r = await runCli(
      [
        'ai-platform',
        'versions',
        'create',
        'v1',
        '--model',
        'no-such-model',
        '--origin',
        'gs://b/model/',
        '--async',
        '--impersonate-service-account',
        'hop@p.iam.gserviceaccount.com,target@p.iam.gserviceaccount.com',
      ],
      env,
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /Impersonation is used to impersonate target@p\.iam\.gserviceaccount\.com via delegate chain: hop@p\.iam\.gserviceaccount\.com\.$/m,
    );
    const [iam] = emulator.requests().filter((q) => q.path.endsWith(':generateAccessToken'));
    assert.deepEqual((iam.body as { delegates: string[] }).delegates, ['hop@p.iam.gserviceaccount.com']);
  });

  test('--trace-token goes out as the Cookie header (and core/request_reason as X-Goog-Request-Reason), as gcloud sends them', async () => {
    emulator.clearRequests();
    const r = await createIrisVersion('v_trace', ['--origin', 'gs://b/model/', '--async', '--trace-token', 'token:abc'], {
      ...env,
      CLOUDSDK_CORE_REQUEST_REASON: 'release-42',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mlPosts()[0].headers.cookie, 'token:abc');
    assert.equal(mlPosts()[0].headers['x-goog-request-reason'], 'release-42');
  });

  test('--quiet and --account are accepted; the request is the same', async () => {
    emulator.clearRequests();
    const r = await create('v_quiet', '--quiet', '--account', 'someone@example.com');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mlPosts().length, 1);
  });

  test('--format and --flatten shape stdout; --no-user-output-enabled silences everything, as in gcloud', async () => {
    const yaml = await create('v_fmt1', '--format', 'value(metadata.version.name)');
    assert.equal(yaml.stdout, 'projects/test-project/models/iris/versions/v_fmt1\n');
    const flattened = await runCli(
      [
        'beta',
        'ai-platform',
        'versions',
        'create',
        'v_fmt2',
        '--model',
        'iris',
        '--region=us-central1',
        '--machine-type=n1-standard-2',
        '--image',
        'us-central1-docker.pkg.dev/p/r/s:1',
        '--ports',
        '8080,9090',
        '--async',
        '--flatten',
        'metadata.version.container.ports',
        '--format',
        'value(metadata.version.container.ports.containerPort)',
      ],
      // A custom container goes to a regional endpoint: us-central1-ml.localhost.
      { ...env, ...emulatorEnv(emulator.port, 'ml.localhost') },
    );
    assert.equal(flattened.code, 0, flattened.stderr);
    assert.equal(flattened.stdout, '8080\n9090\n');
    const silent = await create('v_fmt3', '--no-user-output-enabled', '--format', 'value(name)');
    assert.equal(silent.code, 0);
    assert.equal(silent.stderr + silent.stdout, '', 'gcloud prints nothing at all without user output');
  });

  test('--verbosity: error hides warnings (not gcloud’s status lines), a bad level is an argument error', async () => {
    // gcloud sends an unknown machine type silently; gcloud-aip's note about it is an INFO line.
    const noted = await create('v_verb1', '--machine-type', 'x9-custom', '--verbosity', 'info');
    assert.match(noted.stderr, /^INFO: machineType \[x9-custom\]/m);
    const quiet = await create('v_verb2', '--machine-type', 'x9-custom', '--verbosity', 'error');
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.match(quiet.stderr, /^Using endpoint/);
    assert.doesNotMatch(quiet.stderr, /WARNING|INFO/);
    const bad = await create('v_verb3', '--verbosity', 'loud');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /argument --verbosity: Invalid choice: 'loud'/);
  });
});
