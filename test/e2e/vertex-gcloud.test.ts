// The real gcloud's `gcloud ai …` against the emulator's Vertex AI service: a deployment made the
// way Google documents it (endpoints create, models upload, endpoints deploy-model, twice) and read
// back (models describe, models list-version, endpoints describe, operations describe), on GA (v1,
// with endpoint operations polled through v1beta1) and beta. Skipped — loudly — without gcloud.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, test } from 'node:test';
import { emulatorEnv, gcloudAvailable, runCommand, scratch } from '../support/cli';
import { suiteEmulator } from '../support/emulator';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING the gcloud ai (Vertex AI) emulator tests: `gcloud` is not on PATH ***\n\n');

const PROJECT = 'vertex-project';
const REGION = ['--region=us-central1'];
const SKLEARN = 'us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest';

const emulator = suiteEmulator({ operationDelayMs: 0, buckets: ['models'] }, async (emu) => {
  const res = await fetch(`${emu.url}upload/storage/v1/b/models/o?uploadType=media&name=iris/model.joblib`, {
    method: 'POST',
    body: 'model',
  });
  assert.equal(res.status, 200);
});
const home = scratch();
after(() => fs.rmSync(home.dir, { recursive: true, force: true }));

async function gcloud(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env = { ...home.env, ...emulatorEnv(emulator().port), CLOUDSDK_CORE_PROJECT: PROJECT };
  const result = await runCommand('gcloud', args, env, home.dir);
  assert.equal(result.code, 0, `gcloud ${args.join(' ')}\n${result.stderr}`);
  return result;
}

const json = <T>(text: string) => JSON.parse(text) as T;

interface Model {
  name: string;
  versionId: string;
  versionAliases: string[];
  deployedModels?: { endpoint: string; deployedModelId: string }[];
}
interface Endpoint {
  name: string;
  trafficSplit: Record<string, number>;
  deployedModels: { id: string; model: string; modelVersionId: string; displayName: string }[];
}

test('gcloud ai deploys two versions to the emulator and reads them back', {
  skip: !HAVE_GCLOUD && 'gcloud is not installed',
}, async () => {
  const created = await gcloud('ai', 'endpoints', 'create', ...REGION, '--display-name=iris', '--endpoint-id=iris', '--labels=team=ml');
  const endpointName = /Created Vertex AI endpoint: (projects\/(\d{12})\/locations\/us-central1\/endpoints\/iris)\./.exec(
    created.stderr,
  )?.[1];
  assert.ok(endpointName, created.stderr);
  const operationId = /Waiting for operation \[(\d+)\]/.exec(created.stderr)?.[1];
  assert.ok(operationId, created.stderr);
  const modelName = endpointName.replace(/endpoints\/iris$/, 'models/iris');

  const upload = [
    'ai',
    'models',
    'upload',
    ...REGION,
    '--display-name=iris',
    `--container-image-uri=${SKLEARN}`,
    '--artifact-uri=gs://models/iris/',
  ];
  await gcloud(...upload, '--model-id=iris', '--version-aliases=v1');
  const deploy = ['ai', 'endpoints', 'deploy-model', 'iris', ...REGION, '--machine-type=n1-standard-4', '--max-replica-count=2'];
  const first = await gcloud(...deploy, '--model=iris', '--display-name=iris-v1', '--deployed-model-id=1', '--traffic-split=0=100');
  assert.match(first.stderr, /Deployed a model to the endpoint iris\. Id of the deployed model: 1\./);
  await gcloud(...upload, `--parent-model=projects/${PROJECT}/locations/us-central1/models/iris`, '--version-aliases=v2');
  await gcloud(...deploy, '--model=iris@v2', '--display-name=iris-v2', '--deployed-model-id=2', '--traffic-split=0=0,1=100');
  // Endpoint operations are polled through v1beta1 even on GA, by the name with the project number.
  const polls = emulator()
    .requests()
    .filter((r) => r.method === 'GET' && r.path.includes('/endpoints/iris/operations/'));
  assert.ok(
    polls.length > 0 && polls.every((r) => r.path.startsWith(`/v1beta1/${endpointName}/operations/`)),
    JSON.stringify(polls.map((r) => r.path)),
  );

  const described = json<Model>((await gcloud('ai', 'models', 'describe', 'iris', ...REGION, '--format=json')).stdout);
  assert.deepEqual([described.name, described.versionId, described.versionAliases], [modelName, '1', ['default', 'v1']]);
  assert.deepEqual(described.deployedModels, [{ endpoint: endpointName, deployedModelId: '1' }]);
  const second = json<Model>((await gcloud('ai', 'models', 'describe', 'iris@v2', ...REGION, '--format=json')).stdout);
  assert.deepEqual([second.versionId, second.versionAliases], ['2', ['v2']]);

  const versions = json<Model[]>((await gcloud('ai', 'models', 'list-version', 'iris', ...REGION, '--format=json')).stdout);
  assert.deepEqual(
    versions.map((v) => v.versionId),
    ['1', '2'],
  );

  const endpoint = json<Endpoint>((await gcloud('ai', 'endpoints', 'describe', 'iris', ...REGION, '--format=json')).stdout);
  assert.deepEqual(endpoint.trafficSplit, { '1': 100, '2': 0 });
  assert.deepEqual(
    endpoint.deployedModels.map((d) => [d.id, d.model, d.modelVersionId, d.displayName]),
    [
      ['1', modelName, '1', 'iris-v1'],
      ['2', modelName, '2', 'iris-v2'],
    ],
  );
  const beta = json<Endpoint>((await gcloud('beta', 'ai', 'endpoints', 'describe', 'iris', ...REGION, '--format=json')).stdout);
  assert.deepEqual(beta.trafficSplit, endpoint.trafficSplit);

  const operation = json<{ name: string; done: boolean; response: { name: string } }>(
    (await gcloud('ai', 'operations', 'describe', operationId, ...REGION, '--format=json')).stdout,
  );
  assert.deepEqual(
    [operation.name, operation.done, operation.response.name],
    [`${endpointName}/operations/${operationId}`, true, endpointName],
  );

  // Tear down as a script would: move the traffic, undeploy, delete.
  const updated = await gcloud('ai', 'endpoints', 'update', 'iris', ...REGION, '--traffic-split=1=0,2=100', '--format=json');
  assert.deepEqual(json<Endpoint>(updated.stdout).trafficSplit, { '1': 0, '2': 100 });
  await gcloud('ai', 'endpoints', 'undeploy-model', 'iris', ...REGION, '--deployed-model-id=1');
  const env = { ...home.env, ...emulatorEnv(emulator().port), CLOUDSDK_CORE_PROJECT: PROJECT };
  const refused = await runCommand('gcloud', ['ai', 'models', 'delete-version', 'iris@1', ...REGION], env, home.dir);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /FAILED_PRECONDITION: Version 1 of .* is the default version/);
  await gcloud('beta', 'ai', 'endpoints', 'undeploy-model', 'iris', ...REGION, '--deployed-model-id=2');
  await gcloud('ai', 'endpoints', 'delete', 'iris', ...REGION);
  await gcloud('beta', 'ai', 'models', 'delete', 'iris', ...REGION);
  const gone = await runCommand('gcloud', ['ai', 'models', 'describe', 'iris', ...REGION], env, home.dir);
  assert.equal(gone.code, 1, gone.stderr);
  assert.match(gone.stderr, /NOT_FOUND/);
});

test('gcloud ai shows the service’s refusals', { skip: !HAVE_GCLOUD && 'gcloud is not installed' }, async () => {
  const env = { ...home.env, ...emulatorEnv(emulator().port), CLOUDSDK_CORE_PROJECT: 'refusals' };
  const args = ['ai', 'models', 'upload', ...REGION, '--display-name=x', `--container-image-uri=${SKLEARN}`, '--version-aliases=v1_0'];
  const result = await runCommand('gcloud', args, env, home.dir);
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    /ERROR: \(gcloud\.ai\.models\.upload\) INVALID_ARGUMENT: List of found errors:\s+1\.Field: model\.version_aliases\[0\]/,
  );
});
