// Vertex AI resources → AI Platform shapes (src/vertex/reverse.ts). The resources are what the
// service answers (project numbers in names, versionId, deployedModels with modelVersionId); the
// round trip checks that what a Version asked for comes back under the same AI Platform fields.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVersion } from '../../src/version/build';
import {
  aipModel,
  aipOperation,
  aipVersion,
  aipVersionNameOf,
  deployModelRequest,
  planVertexEndpoint,
  planVertexVersion,
  type VertexEndpoint,
  type VertexModel,
} from '../../src/vertex';

const MODEL_NAME = 'projects/591020730428/locations/us-central1/models/iris';

/** What the service holds after the plan's upload and deploy (ids as Vertex AI assigns them). */
function deployed(flags: Parameters<typeof buildVersion>[0]['flags'], name = 'v1') {
  const built = buildVersion({ name, deploymentUri: 'gs://b/iris/v1/', flags, containers: true });
  const plan = planVertexVersion({
    project: 'p',
    region: 'us-central1',
    model: 'iris',
    built,
    now: new Date('2020-01-01'),
  });
  const version: VertexModel = {
    ...plan.upload.model,
    name: MODEL_NAME,
    versionId: '1',
    versionAliases: ['default', ...(plan.upload.model.versionAliases ?? [])],
    versionCreateTime: '2026-12-06T10:00:00.000Z',
    etag: 'AMEw9yN',
  };
  const request = deployModelRequest(plan.deployedModel, `${MODEL_NAME}@1`, undefined);
  const endpoint: VertexEndpoint = {
    ...planVertexEndpoint({ name: 'iris' }, 'us-central1').body,
    name: 'projects/591020730428/locations/us-central1/endpoints/iris',
    deployedModels: [{ ...request.deployedModel, id: '4', model: MODEL_NAME, modelVersionId: '1' }],
    trafficSplit: { '4': 100 },
  };
  return { built, version, endpoint };
}

describe('Version', () => {
  test('round trip: the fields a Version asked for come back under the same names', () => {
    const { built, version, endpoint } = deployed({
      runtimeVersion: '2.11',
      pythonVersion: '3.7',
      framework: 'tensorflow',
      machineType: 'n1-standard-4',
      description: 'first',
      labels: new Map([['team', 'ml']]),
      minNodes: 1,
      maxNodes: 3,
      metricTargets: new Map([['cpu-usage', 70]]),
      serviceAccount: 'sa@p.iam.gserviceaccount.com',
    });
    const v = aipVersion({ project: 'p', model: 'iris', version, endpoint });
    assert.deepEqual(
      { ...v },
      {
        name: 'projects/p/models/iris/versions/v1',
        description: 'first',
        isDefault: true,
        deploymentUri: 'gs://b/iris/v1/',
        createTime: '2026-12-06T10:00:00.000Z',
        runtimeVersion: '2.11',
        machineType: 'n1-standard-4',
        autoScaling: { minNodes: 1, maxNodes: 3, metrics: [{ name: 'CPU_USAGE', target: 70 }] },
        state: 'READY',
        labels: { team: 'ml' },
        etag: 'AMEw9yN',
        framework: 'TENSORFLOW',
        pythonVersion: '3.7',
        serviceAccount: 'sa@p.iam.gserviceaccount.com',
      },
    );
    for (const field of [
      'runtimeVersion',
      'pythonVersion',
      'framework',
      'machineType',
      'autoScaling',
      'labels',
      'description',
      'serviceAccount',
    ]) {
      assert.deepEqual(v[field], built.body[field], field);
    }
  });

  test('the machine type asked for (mls1) is shown, GPUs come back as acceleratorConfig, fixed replicas as manualScaling', () => {
    const { version, endpoint } = deployed({
      runtimeVersion: '2.11',
      machineType: 'mls1-c1-m2',
    });
    const v = aipVersion({ project: 'p', model: 'iris', version, endpoint });
    assert.equal(v.machineType, 'mls1-c1-m2');
    assert.deepEqual(v.manualScaling, { nodes: 1 });
    const gpu = deployed({
      runtimeVersion: '2.11',
      machineType: 'n1-standard-4',
      accelerator: new Map<string, unknown>([
        ['type', 'nvidia-tesla-t4'],
        ['count', 2],
      ]),
    });
    assert.deepEqual(aipVersion({ project: 'p', model: 'iris', ...gpu }).acceleratorConfig, { count: '2', type: 'NVIDIA_TESLA_T4' });
  });

  test("a user-named container comes back as container and routes; explanations with AI Platform's counts", () => {
    const { version, endpoint } = deployed({ image: 'gcr.io/p/s:1', ports: [8080], predictRoute: '/p' });
    const v = aipVersion({ project: 'p', model: 'iris', version, endpoint });
    assert.deepEqual(v.container, { image: 'gcr.io/p/s:1', ports: [{ containerPort: 8080 }] });
    assert.deepEqual(v.routes, { predict: '/p' });
    const spec = { metadata: {}, parameters: { integratedGradientsAttribution: { stepCount: 30 } } };
    assert.deepEqual(aipVersion({ project: 'p', model: 'iris', version: { ...version, explanationSpec: spec } }).explanationConfig, {
      integratedGradientsAttribution: { numIntegralSteps: 30 },
    });
  });

  test('state: not deployed is CREATING while a deploy runs, else FAILED naming the registry version', () => {
    const { version } = deployed({ runtimeVersion: '2.11' });
    assert.equal(aipVersion({ project: 'p', model: 'iris', version, deploying: true }).state, 'CREATING');
    const failed = aipVersion({ project: 'p', model: 'iris', version, endpoint: { deployedModels: [] } });
    assert.equal(failed.state, 'FAILED');
    assert.equal(failed.isDefault, undefined);
    assert.match(String(failed.errorMessage), /as projects\/591020730428\/locations\/us-central1\/models\/iris@1 but not deployed/);
  });

  test('isDefault follows the traffic split, absent when false as in ml v1; a deployed model given as `model@N` is matched too', () => {
    const { version, endpoint } = deployed({ runtimeVersion: '2.11' });
    const second: VertexEndpoint = {
      ...endpoint,
      deployedModels: [{ id: '9', model: `${MODEL_NAME}@1`, displayName: 'v1' }],
      trafficSplit: { '9': 0, '4': 100 },
    };
    const v = aipVersion({ project: 'p', model: 'iris', version, endpoint: second });
    assert.deepEqual([v.state, 'isDefault' in v], ['READY', false]);
  });

  test('names: the marker label, else the deployed display name, else an alias, else the version id', () => {
    assert.equal(aipVersionNameOf({ labels: { 'aip-version': 'v-one_2' } }), 'vOne_2');
    assert.equal(aipVersionNameOf({ versionAliases: ['default', 'canary'] }, { displayName: 'exact_Name' }), 'exact_Name');
    assert.equal(aipVersionNameOf({ versionAliases: ['default', 'canary'] }), 'canary');
    assert.equal(aipVersionNameOf({ versionId: '3', versionAliases: ['default'] }), '3');
  });
});

test('Model: name, region, description, user labels, logging flags, default version', () => {
  const { endpoint } = deployed({ runtimeVersion: '2.11' });
  const made = planVertexEndpoint(
    { name: 'iris', description: 'd', labels: { team: 'ml' }, onlinePredictionLogging: true, onlinePredictionConsoleLogging: true },
    'us-central1',
  );
  const model = aipModel({ project: 'p', location: 'us-central1', endpoint: { ...endpoint, ...made.body, etag: 'e1' } });
  assert.deepEqual(model, {
    name: 'projects/p/models/iris',
    regions: ['us-central1'],
    description: 'd',
    onlinePredictionLogging: true,
    onlinePredictionConsoleLogging: true,
    labels: { team: 'ml' },
    defaultVersion: { name: 'projects/p/models/iris/versions/v1' },
    etag: 'e1',
  });
  assert.deepEqual(aipModel({ project: 'p', location: 'us-central1', endpoint: { displayName: 'x' } }), {
    name: 'projects/p/models/x',
    regions: ['us-central1'],
  });
});

describe('Operation', () => {
  const running = {
    name: 'projects/591020730428/locations/us-central1/endpoints/iris/operations/7',
    metadata: {
      '@type': 'type.googleapis.com/google.cloud.aiplatform.v1.DeployModelOperationMetadata',
      genericMetadata: { createTime: '2026-12-06T10:00:00Z', updateTime: '2026-12-06T10:05:00Z' },
    },
  };

  test('a running deploy is a CREATE_VERSION under its Vertex name', () => {
    assert.deepEqual(aipOperation(running, { project: 'p', model: 'iris' }), {
      name: running.name,
      metadata: {
        '@type': 'type.googleapis.com/google.cloud.ml.v1.OperationMetadata',
        createTime: '2026-12-06T10:00:00Z',
        startTime: '2026-12-06T10:00:00Z',
        operationType: 'CREATE_VERSION',
        modelName: 'projects/p/models/iris',
      },
    });
  });

  test('done: endTime, and the Version as the response (or the error as it is)', () => {
    const version = { name: 'projects/p/models/iris/versions/v1', state: 'READY' };
    const done = aipOperation({ ...running, done: true, response: {} }, { project: 'p', model: 'iris', version });
    assert.equal((done.metadata as Record<string, unknown>).endTime, '2026-12-06T10:05:00Z');
    assert.deepEqual(done.response, { '@type': 'type.googleapis.com/google.cloud.ml.v1.Version', ...version });
    const failed = aipOperation({ ...running, done: true, error: { code: 9, message: 'no' } }, { project: 'p', model: 'iris' });
    assert.deepEqual([failed.done, failed.error, failed.response], [true, { code: 9, message: 'no' }, undefined]);
    const deletion = aipOperation({ name: 'x', done: true, metadata: {} }, { project: 'p', model: 'iris', operationType: 'DELETE_MODEL' });
    assert.equal((deletion.metadata as Record<string, unknown>).operationType, 'DELETE_MODEL');
    assert.deepEqual(deletion.response, { '@type': 'type.googleapis.com/google.protobuf.Empty' });
  });
});
