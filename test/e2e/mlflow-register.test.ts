// End to end: `versions create --mlflow-model` and `mlflow model-versions create` (the built CLI)
// against the emulator's AI Platform and MLflow registry, in both URL forms (open-source, OCI).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createModel, emulatorEnv, runCli, scratch } from '../helpers';
import { deployIris } from '../support/deploy';
import { registryCreates, registryRequests } from '../support/mlflow';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let oss: string;
let oci: string;
const PLATFORM = 'ocid1.aidataplatform.oc1.iad.test';

before(async () => {
  // A short PENDING_REGISTRATION, so the CLI has to wait for READY.
  emulator = await startEmulator({ port: 0, operationDelayMs: 0, registrationDelayMs: 200, buckets: ['staging-mlflow'] });
  oss = `http://127.0.0.1:${emulator.port}`;
  oci = `${oss}/20260430/aiDataPlatforms/${PLATFORM}/mlops`;
  env = { ...scratch().env, ...emulatorEnv(emulator.port), CLOUDSDK_AI_PLATFORM_REGION: 'global', MLFLOW_TRACKING_TOKEN: 'mlflow-secret' };
  await createModel(emulator.port, 'test-project', 'iris');
});

after(async () => {
  await emulator.close();
});

interface ModelVersion {
  version: string;
  source: string;
  status: string;
  run_id?: string;
  tags: { key: string; value: string }[];
}

async function registryGet(base: string, name: string, version: string): Promise<{ status: number; modelVersion?: ModelVersion }> {
  const res = await fetch(`${base}/api/2.0/mlflow/model-versions/get?name=${encodeURIComponent(name)}&version=${version}`);
  const body = (await res.json()) as { model_version?: ModelVersion };
  return { status: res.status, modelVersion: body.model_version };
}

const deploy = (version: string, mlflow: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  deployIris(version, 'staging-mlflow', ['--format=json', ...mlflow], { ...env, ...extraEnv });

/** A deploy while the emulator injects `faults` (registry calls only, by their match=). */
async function deployWithFaults(faults: string, version: string, mlflow: string[]) {
  emulator.setFaults(faults);
  try {
    return await deploy(version, mlflow);
  } finally {
    emulator.setFaults(undefined);
  }
}

describe('versions create --mlflow-model', () => {
  test('registers the READY version (source = its deploymentUri, tags naming it); a re-run registers nothing more', async () => {
    emulator.clearRequests();
    const first = await deploy('v_oss', ['--mlflow-model=iris-registry', '--mlflow-run-id=run42', '--mlflow-tags=team=ml,stage=canary'], {
      MLFLOW_TRACKING_URI: oss,
    });
    assert.equal(first.code, 0, first.stderr);
    const version = JSON.parse(first.stdout) as { name: string; state: string; deploymentUri: string };
    assert.equal(version.state, 'READY');
    assert.match(
      first.stderr,
      /Waiting for version \[1\] of MLflow model \[iris-registry\] to be registered\.\.\.\nRegistered version \[1\] of MLflow model \[iris-registry\] \(READY\)\.\n$/,
    );

    const { modelVersion } = await registryGet(oss, 'iris-registry', '1');
    assert.equal(modelVersion?.status, 'READY');
    assert.equal(modelVersion?.source, version.deploymentUri);
    assert.equal(modelVersion?.run_id, 'run42');
    const [post] = registryCreates(emulator);
    const operation = post.body && (post.body as ModelVersion).tags.find((t) => t.key === 'ai-platform.operation')?.value;
    assert.match(String(operation), /^projects\/test-project\/operations\/create_iris_v_oss-\d+$/);
    assert.deepEqual(modelVersion?.tags, [
      { key: 'team', value: 'ml' },
      { key: 'stage', value: 'canary' },
      { key: 'ai-platform.version', value: 'projects/test-project/models/iris/versions/v_oss' },
      { key: 'ai-platform.operation', value: operation },
    ]);
    // MLflow's bearer token; the open-source form has no OCI headers.
    assert.equal(post.headers.authorization, 'Bearer mlflow-secret');
    assert.equal(post.headers['opc-retry-token'], undefined);
    assert.doesNotMatch(first.stderr + first.stdout, /mlflow-secret/);

    // The same command again: the version exists, so nothing is deployed or registered twice.
    const again = await deploy('v_oss', ['--mlflow-model=iris-registry', '--mlflow-run-id=run42', '--mlflow-tags=team=ml,stage=canary'], {
      MLFLOW_TRACKING_URI: oss,
    });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /ALREADY_EXISTS/);
    assert.equal(registryCreates(emulator).length, 1);
    assert.equal((await registryGet(oss, 'iris-registry', '2')).status, 404);
  });

  test('OCI form: opc-retry-token and opc-request-id; a lost answer is sent again and registers once', async () => {
    emulator.clearRequests();
    const r = await deployWithFaults('lost=1,max=1,match=model-versions/create$', 'v_oci', [
      '--mlflow-model=iris-oci',
      `--mlflow-tracking-uri=${oci}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const posts = registryCreates(emulator);
    assert.equal(posts.length, 2);
    assert.equal(posts[0].fault, 'lost');
    assert.match(posts[0].headers['opc-retry-token'], /^[0-9a-f]{64}$/);
    assert.equal(posts[1].headers['opc-retry-token'], posts[0].headers['opc-retry-token']);
    assert.match(posts[0].headers['opc-request-id'], /^[0-9A-F]{32}$/);
    // One logical request: its retry keeps the id (the OCI SDKs do the same).
    assert.equal(posts[1].headers['opc-request-id'], posts[0].headers['opc-request-id']);
    assert.equal((await registryGet(oci, 'iris-oci', '1')).modelVersion?.status, 'READY');
    assert.equal((await registryGet(oci, 'iris-oci', '2')).status, 404);
    // Each OCI platform is a registry of its own.
    assert.equal((await registryGet(oss, 'iris-oci', '1')).status, 404);
  });

  test('a registry 5xx is retried', async () => {
    emulator.clearRequests();
    const r = await deployWithFaults('503=1,max=1,retry-after=0,match=model-versions/create$', 'v_5xx', [
      '--mlflow-model=iris-5xx',
      `--mlflow-tracking-uri=${oci}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      registryCreates(emulator).map((q) => q.status),
      [503, 200],
    );
    assert.equal((await registryGet(oci, 'iris-5xx', '1')).modelVersion?.status, 'READY');
  });

  test('a registry 400: its own message and exit code, the deployed version is kept', async () => {
    const r = await deploy('v_400', ['--mlflow-model=iris-400', '--mlflow-tags=bad!key=1'], { MLFLOW_TRACKING_URI: oss });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(JSON.parse(r.stdout).state, 'READY');
    assert.match(
      r.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.create\) Version \[projects\/test-project\/models\/iris\/versions\/v_400\] is deployed and kept, but registering it in MLflow failed: The MLflow registry refused model-versions\/create \(HTTP 400 INVALID_PARAMETER_VALUE\): Invalid tag name: 'bad!key'\./,
    );
    const kept = await fetch(`${oss}/v1/projects/test-project/models/iris/versions/v_400`);
    assert.equal(((await kept.json()) as { state: string }).state, 'READY');
  });

  test('registration that fails after the deploy prints the command that retries it; that command registers once, however often it runs', async () => {
    // 429 on every attempt the CLI makes (Retry-After: 0 keeps it quick).
    const failed = await deployWithFaults('429=1,max=5,retry-after=0,match=model-versions/create$', 'v_retry', [
      '--mlflow-model=iris-retry',
      `--mlflow-tracking-uri=${oci}`,
    ]);
    assert.equal(failed.code, 3, failed.stderr);
    const command = /To retry only the registration, run:\n {2}\$ gcloud-aip (.*)\n/.exec(failed.stderr)?.[1];
    assert.ok(command, failed.stderr);
    const args = command.split(' ').map((word) => word.replace(/^'(.*)'$/, '$1'));
    for (const run of [1, 2]) {
      const r = await runCli([...args, '--format=value(version,status)'], env);
      assert.equal(r.code, 0, `run ${run}: ${r.stderr}`);
      assert.equal(r.stdout, '1\tREADY\n');
    }
    assert.equal((await registryGet(oci, 'iris-retry', '2')).status, 404);
  });

  test('--async: nothing to register yet, and it says so', async () => {
    emulator.clearRequests();
    const r = await runCli(
      [
        'ai-platform',
        'versions',
        'create',
        'v_async',
        '--model=iris',
        '--origin=gs://staging-mlflow/',
        '--async',
        '--mlflow-model=iris-async',
      ],
      { ...env, MLFLOW_TRACKING_URI: oss },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /WARNING: Nothing is registered in MLflow with --async/);
    assert.equal(registryRequests(emulator).length, 0);
  });

  test('checked before anything is sent: limits, a missing tracking server, --mlflow-* without --mlflow-model', async () => {
    emulator.clearRequests();
    const tooLong = await deploy('v_bad', ['--mlflow-model=iris', `--mlflow-run-id=${'r'.repeat(33)}`], { MLFLOW_TRACKING_URI: oss });
    assert.equal(tooLong.code, 1);
    assert.match(
      tooLong.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.create\) MLflow model version: run_id: at most 32 characters \(got 33\) \(from --mlflow-run-id\)\n/,
    );
    const tooMany = await deploy(
      'v_bad',
      ['--mlflow-model=iris', `--mlflow-tags=${Array.from({ length: 19 }, (_, i) => `k${i}=v`).join(',')}`],
      { MLFLOW_TRACKING_URI: oss },
    );
    assert.match(
      tooMany.stderr,
      /tags: at most 20 tags \(got 21\) \(from --mlflow-tags, with the tags ai-platform\.version and ai-platform\.operation\)/,
    );
    const noServer = await deploy('v_bad', ['--mlflow-model=iris']);
    assert.match(
      noServer.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.create\) No MLflow tracking server: set MLFLOW_TRACKING_URI or pass --mlflow-tracking-uri\.\n/,
    );
    const orphan = await deploy('v_bad', ['--mlflow-run-id=r1']);
    assert.equal(orphan.code, 2);
    assert.match(orphan.stderr, /argument --mlflow-model: Must be specified with --mlflow-run-id\./);
    assert.equal(emulator.requests().length, 0);
  });
});

describe('mlflow model-versions create', () => {
  test('basic auth, a missing registered model created, FAILED_REGISTRATION reported', async () => {
    emulator.clearRequests();
    const basic = {
      ...env,
      MLFLOW_TRACKING_TOKEN: '',
      MLFLOW_TRACKING_USERNAME: 'ci',
      MLFLOW_TRACKING_PASSWORD: 'pw',
      MLFLOW_TRACKING_URI: oss,
    };
    const r = await runCli(
      ['mlflow', 'model-versions', 'create', '--name=elsewhere', '--source=gs://nothing-here/model/', '--description=from a script'],
      basic,
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Created registered model \[elsewhere\] in the MLflow registry\.\n/);
    assert.match(
      r.stderr,
      /ERROR: \(gcloud\.mlflow\.model-versions\.create\) Version \[1\] of MLflow model \[elsewhere\] failed to register: No model artifacts found at \[gs:\/\/nothing-here\/model\/\]\.\n/,
    );
    assert.equal(registryRequests(emulator)[0].headers.authorization, `Basic ${Buffer.from('ci:pw').toString('base64')}`);
  });

  test('every limit problem at once, with the flag it came from; nothing sent', async () => {
    emulator.clearRequests();
    const r = await runCli(
      ['mlflow', 'model-versions', 'create', '--name=m', `--source=gs://b/${'x'.repeat(500)}`, `--model-id=${'i'.repeat(37)}`],
      { ...env, MLFLOW_TRACKING_URI: oss },
    );
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'ERROR: (gcloud.mlflow.model-versions.create) MLflow model version: source: at most 500 characters (got 507) (from --source)\nmodel_id: at most 36 characters (got 37) (from --model-id)\n',
    );
    assert.equal(emulator.requests().length, 0);
  });
});
