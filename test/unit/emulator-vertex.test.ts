// The emulator's Vertex AI service (aiplatform v1/v1beta1) in-process over real HTTP: names with a
// project number, the registry's versions and aliases, endpoints, deployments and traffic splits,
// the documented rules refused with google.rpc errors, operations (v1beta1 reads, bare IDs, cancel,
// wait), regional hosts, persistence and fault injection.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type RunningEmulator, startEmulator, vertexProjectNumber } from '../../src/emulator';
import { suiteEmulator } from '../support/emulator';
import { parseAnswer } from '../support/json';

/** A Vertex resource, operation, page or error, as the tests read them. */
interface VertexAnswer {
  name: string;
  displayName: string;
  versionId: string;
  versionAliases: string[];
  deployedModels: {
    id: string;
    model: string;
    modelVersionId: string;
    endpoint: string;
    deployedModelId: string;
    dedicatedResources: { maxReplicaCount: number; machineSpec: { machineType: string } };
  }[];
  trafficSplit: Record<string, number>;
  models: VertexAnswer[];
  endpoints: VertexAnswer[];
  operations: VertexAnswer[];
  nextPageToken: string;
  done: boolean;
  metadata: { '@type': string };
  response: VertexAnswer & { '@type': string; model: string; modelVersionId: string; deployedModel: { id: string } };
  error: { code: number; message: string; status: string };
}

interface Answer {
  status: number;
  body: VertexAnswer;
}

const SKLEARN = 'us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest';
const TF = 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-11:latest';

async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(new URL(path, emu.url), {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: parseAnswer<VertexAnswer>(await res.text()) };
}

/** Polls an operation (by the name the service returned, as gcloud does) until done. */
async function settled(emu: RunningEmulator, operation: Answer, version = 'v1'): Promise<VertexAnswer> {
  assert.equal(operation.status, 200, JSON.stringify(operation.body));
  for (;;) {
    const { body } = await call(emu, 'GET', `/${version}/${operation.body.name}`);
    if (body.done) return body;
  }
}

async function putObject(emu: RunningEmulator, bucket: string, name: string): Promise<void> {
  const res = await fetch(new URL(`/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(name)}`, emu.url), {
    method: 'POST',
    body: 'model',
  });
  assert.equal(res.status, 200);
}

function model(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { displayName: 'iris', artifactUri: 'gs://models/iris/', containerSpec: { imageUri: SKLEARN }, ...fields };
}

/** A fresh project per test: state never leaks between them. */
let projects = 0;
function location(): string {
  projects += 1;
  return `projects/proj-${projects}/locations/us-central1`;
}

async function upload(emu: RunningEmulator, loc: string, body: Record<string, unknown>): Promise<VertexAnswer> {
  return settled(emu, await call(emu, 'POST', `/v1/${loc}/models:upload`, body));
}

async function createEndpoint(emu: RunningEmulator, loc: string, id: string): Promise<VertexAnswer> {
  return settled(emu, await call(emu, 'POST', `/v1/${loc}/endpoints?endpointId=${id}`, { displayName: id }));
}

async function deploy(
  emu: RunningEmulator,
  loc: string,
  endpoint: string,
  deployedModel: Record<string, unknown>,
  trafficSplit?: Record<string, number>,
): Promise<Answer> {
  return call(emu, 'POST', `/v1/${loc}/endpoints/${endpoint}:deployModel`, {
    deployedModel: { dedicatedResources: { minReplicaCount: 1, machineSpec: {} }, ...deployedModel },
    ...(trafficSplit && { trafficSplit }),
  });
}

describe('Vertex AI service', () => {
  const emulator = suiteEmulator({ operationDelayMs: 0, buckets: ['models'] }, async (emu) => {
    await putObject(emu, 'models', 'iris/model.joblib');
  });

  test('names come back with the project number; the id and the number name the same project', async () => {
    const emu = emulator();
    const op = await call(emu, 'POST', '/v1/projects/my-project/locations/us-central1/models:upload', { model: model(), modelId: 'iris' });
    const number = /^projects\/(\d{12})\/locations\/us-central1\/models\/iris\/operations\/\d{19}$/.exec(op.body.name)?.[1];
    assert.ok(number, op.body.name);
    assert.equal(number, vertexProjectNumber('my-project'));
    assert.equal(vertexProjectNumber('123456789012'), '123456789012');
    const done = await settled(emu, op);
    assert.deepEqual([done.response.model, done.response.modelVersionId], [`projects/${number}/locations/us-central1/models/iris`, '1']);
    const byNumber = await call(emu, 'GET', `/v1/projects/${number}/locations/us-central1/models/iris`);
    const byId = await call(emu, 'GET', '/v1/projects/my-project/locations/us-central1/models/iris');
    assert.deepEqual(byNumber, byId);
    const other = await call(emu, 'GET', '/v1/projects/other-project/locations/us-central1/models/iris');
    assert.equal(other.status, 404);
    assert.equal(other.body.error.status, 'NOT_FOUND');
  });

  test('versions: IDs count up, the first gets `default`, GET takes @id and @alias, listVersions lists all', async () => {
    const emu = emulator();
    const loc = location();
    await upload(emu, loc, { model: model({ versionAliases: ['v1'] }), modelId: 'iris' });
    const second = await upload(emu, loc, { model: model({ versionAliases: ['v2'] }), parentModel: `${loc}/models/iris` });
    assert.equal(second.response.modelVersionId, '2');
    const first = (await call(emu, 'GET', `/v1/${loc}/models/iris`)).body;
    assert.deepEqual([first.versionId, first.versionAliases], ['1', ['default', 'v1']]);
    assert.equal((await call(emu, 'GET', `/v1/${loc}/models/iris@2`)).body.versionId, '2');
    assert.equal((await call(emu, 'GET', `/v1/${loc}/models/iris%40v2`)).body.versionId, '2');
    assert.equal((await call(emu, 'GET', `/v1/${loc}/models/iris@v3`)).status, 404);
    const versions = (await call(emu, 'GET', `/v1/${loc}/models/iris:listVersions`)).body.models;
    assert.deepEqual(
      versions.map((v) => [v.versionId, v.versionAliases]),
      [
        ['1', ['default', 'v1']],
        ['2', ['v2']],
      ],
    );
    // `default` in a later upload moves to it (the SDK's is_default_version); other aliases are one version's.
    await upload(emu, loc, { model: model({ versionAliases: ['default', 'v3'] }), parentModel: `${loc}/models/iris` });
    assert.equal((await call(emu, 'GET', `/v1/${loc}/models/iris`)).body.versionId, '3');
    const taken = await call(emu, 'POST', `/v1/${loc}/models:upload`, {
      model: model({ versionAliases: ['v2'] }),
      parentModel: `${loc}/models/iris`,
    });
    assert.equal(taken.status, 400);
    assert.match(taken.body.error.message, /alias "v2" is already used by version 2/);
  });

  test('upload requests are checked: grammars, required fields, unknown fields on v1', async () => {
    const emu = emulator();
    const loc = location();
    const refused = async (body: Record<string, unknown>, pattern: RegExp, version = 'v1') => {
      const answer = await call(emu, 'POST', `/${version}/${loc}/models:upload`, body);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error.status, 'INVALID_ARGUMENT');
      assert.match(answer.body.error.message, pattern);
    };
    await refused({ model: model({ versionAliases: ['v1_0'] }) }, /model\.version_aliases\[0\]/);
    await refused({ model: model({ versionAliases: ['V1'] }) }, /alias "V1" must match/);
    await refused({ model: model(), modelId: '1iris' }, /Field: model_id/);
    await refused({ model: model({ containerSpec: {} }) }, /model\.container_spec\.image_uri; Message: Required/);
    await refused({ model: model({ displayName: undefined }) }, /model\.display_name; Message: Required/);
    await refused({ model: model({ labels: { Team: 'ml' } }) }, /invalid label key \[Team\]/);
    await refused({ model: model({ frameWork: 'x' }) }, /Unknown name "frameWork"/);
    await refused({ model: model(), modelId: 'a', parentModel: `${loc}/models/a` }, /cannot both be set/);
    await refused(
      {
        model: model({
          explanationSpec: {
            parameters: { sampledShapleyAttribution: { pathCount: 51 } },
            metadata: { inputs: { a: {} }, outputs: { b: {} } },
          },
        }),
      },
      /path_count; Message: must be an integer in \[1, 50\]/,
    );
    await refused(
      { model: model({ explanationSpec: { parameters: { xraiAttribution: { stepCount: 10 } } } }) },
      /metadata\.inputs; Message: Required/,
    );
    // v1beta1 has more Model fields; the emulator does not refuse names it does not know there.
    const beta = await call(emu, 'POST', `/v1beta1/${loc}/models:upload`, { model: model({ frameWork: 'x' }) });
    assert.equal(beta.status, 200);
    assert.match(beta.body.metadata['@type'], /aiplatform\.v1beta1\.UploadModelOperationMetadata$/);
    await upload(emu, loc, { model: model(), modelId: 'iris' });
    const again = await call(emu, 'POST', `/v1/${loc}/models:upload`, { model: model(), modelId: 'iris' });
    assert.deepEqual([again.status, again.body.error.status], [409, 'ALREADY_EXISTS']);
    const missingParent = await call(emu, 'POST', `/v1/${loc}/models:upload`, { model: model(), parentModel: `${loc}/models/nope` });
    assert.equal(missingParent.status, 404);
  });

  test('endpoints: endpointId grammar and uniqueness; list filters by display_name and labels', async () => {
    const emu = emulator();
    const loc = location();
    const created = await createEndpoint(emu, loc, 'iris');
    assert.match(created.response.name, /^projects\/\d{12}\/locations\/us-central1\/endpoints\/iris$/);
    assert.match(created.response['@type'], /aiplatform\.v1\.Endpoint$/);
    assert.equal((await call(emu, 'POST', `/v1/${loc}/endpoints?endpointId=iris`, { displayName: 'x' })).status, 409);
    assert.equal((await call(emu, 'POST', `/v1/${loc}/endpoints?endpointId=Iris_1`, { displayName: 'x' })).status, 400);
    const numbered = await settled(emu, await call(emu, 'POST', `/v1/${loc}/endpoints`, { displayName: 'other', labels: { team: 'ml' } }));
    assert.match(numbered.response.name, /\/endpoints\/\d{19}$/);
    const names = async (filter: string) =>
      ((await call(emu, 'GET', `/v1/${loc}/endpoints?filter=${encodeURIComponent(filter)}`)).body.endpoints ?? []).map(
        (e) => e.displayName,
      );
    assert.deepEqual(await names('display_name="iris"'), ['iris']);
    assert.deepEqual(await names('labels.team=ml'), ['other']);
    assert.deepEqual(await names('labels.team:*'), ['other']);
    assert.deepEqual(await names('display_name!=iris AND endpoint=iris'), []);
    assert.equal((await call(emu, 'GET', `/v1/${loc}/endpoints?filter=${encodeURIComponent('displayName=iris')}`)).status, 400);
    assert.equal((await call(emu, 'GET', '/v1/projects/p/locations/global/endpoints')).status, 400);
  });

  test('deploy: the split adds up to 100 and names deployed models, "0" is the new one; replicas ≥ 1', async () => {
    const emu = emulator();
    const loc = location();
    await createEndpoint(emu, loc, 'iris');
    await upload(emu, loc, { model: model(), modelId: 'iris' });
    const refused = async (answer: Answer, pattern: RegExp) => {
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match(answer.body.error.message, pattern);
    };
    await refused(await deploy(emu, loc, 'iris', { model: `${loc}/models/iris` }, { '0': 90 }), /add up to 100, not 90/);
    await refused(
      await deploy(emu, loc, 'iris', { model: `${loc}/models/iris` }, { '0': 50, '7': 50 }),
      /deployed model 7 is not deployed/,
    );
    await refused(
      await deploy(emu, loc, 'iris', { model: `${loc}/models/iris`, dedicatedResources: { minReplicaCount: 0 } }),
      /min_replica_count; Message: must be an integer greater than or equal to 1/,
    );
    await refused(await deploy(emu, loc, 'iris', { model: `${loc}/models/iris`, id: 'one' }), /deployed_model\.id/);
    await refused(await deploy(emu, loc, 'iris', { model: `${loc}/models/iris`, automaticResources: {} }), /only DEDICATED_RESOURCES/);
    const done = await settled(emu, await deploy(emu, loc, 'iris', { model: `${loc}/models/iris`, id: '1' }, { '0': 100 }), 'v1beta1');
    assert.equal(done.response.deployedModel.id, '1');
    assert.match(done.response['@type'], /aiplatform\.v1beta1\.DeployModelResponse$/);
    const endpoint = (await call(emu, 'GET', `/v1/${loc}/endpoints/iris`)).body;
    assert.deepEqual(endpoint.trafficSplit, { '1': 100 });
    const [deployed] = endpoint.deployedModels;
    assert.deepEqual([deployed.model, deployed.modelVersionId], [endpoint.name.replace(/endpoints\/iris$/, 'models/iris'), '1']);
    assert.deepEqual(
      [deployed.dedicatedResources.machineSpec.machineType, deployed.dedicatedResources.maxReplicaCount],
      ['n1-standard-2', 1],
    );
    assert.equal((await deploy(emu, loc, 'iris', { model: `${loc}/models/iris`, id: '1' })).status, 409);
    const refs = (await call(emu, 'GET', `/v1/${loc}/models/iris`)).body.deployedModels;
    assert.deepEqual(refs, [{ endpoint: endpoint.name, deployedModelId: '1' }]);
    const mutate = (deployedModel: Record<string, unknown>, updateMask: string) =>
      call(emu, 'POST', `/v1/${loc}/endpoints/iris:mutateDeployedModel`, { deployedModel, updateMask });
    const mutated = await settled(
      emu,
      await mutate({ id: '1', dedicatedResources: { minReplicaCount: 2, maxReplicaCount: 4 } }, 'dedicated_resources'),
    );
    assert.equal(mutated.error, undefined);
    const scaled = (await call(emu, 'GET', `/v1/${loc}/endpoints/iris`)).body.deployedModels[0].dedicatedResources;
    assert.deepEqual([scaled.maxReplicaCount, scaled.machineSpec.machineType], [4, 'n1-standard-2']);
    assert.equal((await mutate({ id: '1', dedicatedResources: { minReplicaCount: 5 } }, 'dedicated_resources')).status, 400);
    assert.equal((await mutate({ id: '1', model: 'x' }, 'model')).status, 400);
    assert.equal((await mutate({ id: '9' }, 'display_name')).status, 404);
  });

  test("deployed model fields are checked in the request's API version: container logging is disable… on v1, enable… on v1beta1", async () => {
    const emu = emulator();
    const loc = location();
    await createEndpoint(emu, loc, 'iris');
    await upload(emu, loc, { model: model(), modelId: 'iris' });
    const send = (version: string, deployedModel: Record<string, unknown>) =>
      call(emu, 'POST', `/${version}/${loc}/endpoints/iris:deployModel`, {
        deployedModel: { model: `${loc}/models/iris`, dedicatedResources: { minReplicaCount: 1, machineSpec: {} }, ...deployedModel },
      });
    for (const [version, wrong] of [
      ['v1', 'enableContainerLogging'],
      ['v1beta1', 'disableContainerLogging'],
    ]) {
      const refused = await send(version, { [wrong]: true });
      assert.equal(refused.status, 400, version);
      assert.match(refused.body.error.message, new RegExp(`Unknown name "${wrong}"`));
    }
    const beta = await settled(emu, await send('v1beta1', { enableContainerLogging: false, id: '1' }), 'v1beta1');
    assert.equal(beta.error, undefined);
  });

  test('a deployment fails when the artifacts are missing or lack the file the prebuilt container loads', async () => {
    const emu = emulator();
    const loc = location();
    await createEndpoint(emu, loc, 'iris');
    await upload(emu, loc, { model: model({ artifactUri: 'gs://models/nothing/' }), modelId: 'empty' });
    await upload(emu, loc, { model: model({ containerSpec: { imageUri: TF } }), modelId: 'tf' });
    const empty = await settled(emu, await deploy(emu, loc, 'iris', { model: `${loc}/models/empty` }));
    assert.equal(empty.error.code, 9);
    assert.match(empty.error.message, /no model files under gs:\/\/models\/nothing\//);
    const tf = await settled(emu, await deploy(emu, loc, 'iris', { model: `${loc}/models/tf` }));
    assert.match(tf.error.message, /the prebuilt container \S+ loads saved_model\.pb from gs:\/\/models\/iris\/, and there is none/);
    // The file name must match exactly (Vertex AI's import-model doc): a text SavedModel is not loaded.
    await putObject(emu, 'models', 'text/saved_model.pbtxt');
    await upload(emu, loc, { model: model({ artifactUri: 'gs://models/text/', containerSpec: { imageUri: TF } }), modelId: 'pbtxt' });
    const pbtxt = await settled(emu, await deploy(emu, loc, 'iris', { model: `${loc}/models/pbtxt` }));
    assert.match(pbtxt.error.message, /loads saved_model\.pb from gs:\/\/models\/text\//);
    assert.equal((await call(emu, 'GET', `/v1/${loc}/endpoints/iris`)).body.deployedModels, undefined);
  });

  test('undeploy only without traffic unless the split moves it; the last undeploy empties the split', async () => {
    const emu = emulator();
    const loc = location();
    await createEndpoint(emu, loc, 'iris');
    await upload(emu, loc, { model: model(), modelId: 'iris' });
    await upload(emu, loc, { model: model({ versionAliases: ['v2'] }), parentModel: `${loc}/models/iris` });
    await settled(emu, await deploy(emu, loc, 'iris', { model: `${loc}/models/iris`, id: '1' }, { '0': 100 }));
    await settled(emu, await deploy(emu, loc, 'iris', { model: `${loc}/models/iris@v2`, id: '2' }, { '0': 0, '1': 100 }));
    const busy = await call(emu, 'POST', `/v1/${loc}/endpoints/iris:undeployModel`, { deployedModelId: '1' });
    assert.deepEqual([busy.status, busy.body.error.status], [400, 'FAILED_PRECONDITION']);
    assert.match(busy.body.error.message, /has 100% of the traffic/);
    const patched = await call(emu, 'PATCH', `/v1/${loc}/endpoints/iris?updateMask=traffic_split`, { trafficSplit: { '1': 0, '2': 100 } });
    assert.deepEqual(patched.body.trafficSplit, { '1': 0, '2': 100 });
    const undeployed = await settled(emu, await call(emu, 'POST', `/v1/${loc}/endpoints/iris:undeployModel`, { deployedModelId: '1' }));
    assert.equal(undeployed.error, undefined);
    assert.deepEqual((await call(emu, 'GET', `/v1/${loc}/endpoints/iris`)).body.trafficSplit, { '2': 100 });
    await settled(emu, await call(emu, 'POST', `/v1/${loc}/endpoints/iris:undeployModel`, { deployedModelId: '2' }));
    const empty = (await call(emu, 'GET', `/v1/${loc}/endpoints/iris`)).body;
    assert.deepEqual([empty.trafficSplit, empty.deployedModels], [undefined, undefined]);
  });

  test('deletions: not the only version, a deployed one or the default; not a deployed model or endpoint', async () => {
    const emu = emulator();
    const loc = location();
    await createEndpoint(emu, loc, 'iris');
    await upload(emu, loc, { model: model(), modelId: 'iris' });
    const only = await call(emu, 'DELETE', `/v1/${loc}/models/iris@1:deleteVersion`);
    assert.match(only.body.error.message, /only version/);
    await upload(emu, loc, { model: model({ versionAliases: ['v2'] }), parentModel: `${loc}/models/iris` });
    await settled(emu, await deploy(emu, loc, 'iris', { model: `${loc}/models/iris@2`, id: '2' }, { '0': 100 }));
    assert.match((await call(emu, 'DELETE', `/v1/${loc}/models/iris@2:deleteVersion`)).body.error.message, /deployed to an endpoint/);
    assert.match((await call(emu, 'DELETE', `/v1/${loc}/models/iris@1:deleteVersion`)).body.error.message, /is the default version/);
    assert.match(
      (await call(emu, 'DELETE', `/v1/${loc}/models/iris`)).body.error.message,
      /cannot be deleted: version\(s\) 2 are deployed/,
    );
    assert.match((await call(emu, 'DELETE', `/v1/${loc}/endpoints/iris`)).body.error.message, /undeploy them before deleting/);
    // Move `default` to version 2; then version 1 goes.
    const merged = await call(emu, 'POST', `/v1/${loc}/models/iris@2:mergeVersionAliases`, { versionAliases: ['default'] });
    assert.deepEqual(merged.body.versionAliases, ['v2', 'default']);
    assert.match(
      (await call(emu, 'POST', `/v1/${loc}/models/iris@2:mergeVersionAliases`, { versionAliases: ['-default'] })).body.error.message,
      /cannot be removed/,
    );
    const deleted = await settled(emu, await call(emu, 'DELETE', `/v1/${loc}/models/iris@1:deleteVersion`));
    assert.equal(deleted.error, undefined);
    const left = (await call(emu, 'GET', `/v1/${loc}/models/iris:listVersions`)).body.models;
    assert.deepEqual(
      left.map((v) => v.versionId),
      ['2'],
    );
    await settled(emu, await call(emu, 'POST', `/v1/${loc}/endpoints/iris:undeployModel`, { deployedModelId: '2' }));
    await settled(emu, await call(emu, 'DELETE', `/v1/${loc}/endpoints/iris`));
    await settled(emu, await call(emu, 'DELETE', `/v1/${loc}/models/iris`));
    assert.equal((await call(emu, 'GET', `/v1/${loc}/models/iris`)).status, 404);
    assert.equal((await call(emu, 'GET', `/v1/${loc}/endpoints/iris`)).status, 404);
  });

  test('operations: read under their resource or the location by bare ID, on v1 and v1beta1, listed', async () => {
    const emu = emulator();
    const loc = location();
    const op = (await call(emu, 'POST', `/v1/${loc}/endpoints?endpointId=iris`, { displayName: 'iris' })).body;
    assert.match(op.metadata['@type'], /v1\.CreateEndpointOperationMetadata$/);
    const id = op.name.split('/').pop();
    const bare = (await call(emu, 'GET', `/v1/${loc}/operations/${id}`)).body;
    assert.deepEqual([bare.name, bare.done], [op.name, true]);
    const beta = (await call(emu, 'GET', `/v1beta1/${op.name}`)).body;
    assert.match(beta.metadata['@type'], /v1beta1\.CreateEndpointOperationMetadata$/);
    assert.deepEqual(
      (await call(emu, 'GET', `/v1/${loc}/endpoints/iris/operations`)).body.operations.map((o) => o.name),
      [op.name],
    );
    assert.equal((await call(emu, 'GET', `/v1/${loc}/models/iris/operations/${id}`)).status, 404);
    const upload = await call(emu, 'POST', `/v1/${loc}/models:upload`, { model: model(), modelId: 'iris' });
    const waited = await call(emu, 'POST', `/v1/${upload.body.name}:wait`, {});
    assert.deepEqual([waited.body.done, waited.body.response.modelVersionId], [true, '1']);
    const all = (await call(emu, 'GET', `/v1/${loc}/operations`)).body.operations.map((o) => o.name);
    assert.deepEqual(all, [op.name, upload.body.name]);
  });

  test('a regional host must match the location in the path', async () => {
    const emu = emulator();
    // fetch will not send a Host of our choosing; node:http will.
    const get = (path: string) =>
      new Promise<Answer>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: emu.port, path, headers: { Host: `europe-west4-aiplatform.localhost:${emu.port}` } },
          (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseAnswer<VertexAnswer>(text) }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const answer = await get('/v1/projects/p/locations/us-central1/endpoints');
    assert.equal(answer.status, 400);
    assert.match(answer.body.error.message, /does not match the regional endpoint/);
    assert.equal((await get('/v1/projects/p/locations/europe-west4/endpoints')).status, 200);
  });
});

describe('Vertex AI operations over time', () => {
  const emulator = suiteEmulator({ operationDelayMs: 60_000 });

  test('a running operation can be cancelled: it ends CANCELLED and its change is never made', async () => {
    const emu = emulator();
    const loc = location();
    const op = await call(emu, 'POST', `/v1/${loc}/endpoints?endpointId=iris`, { displayName: 'iris' });
    assert.equal(op.body.done, undefined);
    assert.deepEqual((await call(emu, 'POST', `/v1/${op.body.name}:cancel`, {})).body, {});
    const cancelled = (await call(emu, 'GET', `/v1/${op.body.name}`)).body;
    assert.deepEqual([cancelled.done, cancelled.error.code], [true, 1]);
    assert.equal((await call(emu, 'GET', `/v1/${loc}/endpoints/iris`)).status, 404);
  });

  test('wait holds the request until the timeout when the operation is not due', async () => {
    const emu = emulator();
    const loc = location();
    const op = await call(emu, 'POST', `/v1/${loc}/endpoints?endpointId=iris`, { displayName: 'iris' });
    const waited = await call(emu, 'POST', `/v1/${op.body.name}:wait?timeout=0.05s`, {});
    assert.deepEqual([waited.status, waited.body.done], [200, undefined]);
    assert.equal((await call(emu, 'POST', `/v1/${op.body.name}:wait?timeout=soon`, {})).status, 400);
  });
});

test('Vertex AI state survives a restart on the same data directory; faults apply to its routes', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vertex-state-'));
  try {
    const first = await startEmulator({ dataDir, operationDelayMs: 0 });
    await createEndpoint(first, 'projects/p/locations/us-central1', 'iris');
    await first.close();
    const second = await startEmulator({ dataDir, operationDelayMs: 0, faults: 'seed=1,503=1,max=1,match=^GET /v1/projects/p/locations/' });
    try {
      assert.equal((await call(second, 'GET', '/v1/projects/p/locations/us-central1/endpoints/iris')).status, 503);
      const endpoint = await call(second, 'GET', '/v1/projects/p/locations/us-central1/endpoints/iris');
      assert.equal(endpoint.body.displayName, 'iris');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
