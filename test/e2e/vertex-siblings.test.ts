// The sibling commands of a deploy script on the Vertex AI target (issue 25 item 3): models
// create|describe|list|delete, versions list|describe|delete|set-default, operations
// describe|wait|cancel|list, run as the built CLI against the emulator's Vertex AI service with
// GCLOUD_AIP_TARGET=vertex-ai. Versions are made in each test's setup through the emulator's Vertex
// REST API (models.upload + endpoints.deployModel, with the ids and labels src/vertex/ gives them),
// as `versions create` on Vertex AI would make them. Checked: AI Platform shapes through --format,
// --filter, --sort-by, --limit and --uri; AI Platform's rules (refusals send no change); the 404
// existence check; lookups of resources made elsewhere by display name; several matches refused;
// operations in AI Platform's shape under their Vertex names; and, where gcloud is installed, the
// real `gcloud ai` reading what gcloud-aip made.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { startEmulator, vertexProjectNumber, type RecordedRequest, type RunningEmulator } from '../../src/emulator';
import { MANAGED_BY, vertexAlias, vertexEndpointId, vertexModelId } from '../../src/vertex';
import { MARKER_KEYS } from '../../src/vertex/labels';
import { CLI, emulatorEnv, gcloudAvailable, runCli, runCommand, scratch, type RunResult } from '../support/cli';
import { suiteEmulator } from '../support/emulator';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING the gcloud ai readings of what gcloud-aip made: `gcloud` is not on PATH ***\n\n');

const REGION = 'us-central1';
const SKLEARN = 'us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest';
const VERSIONS = ['v1', 'v2'];

const emulator = suiteEmulator({ operationDelayMs: 0, buckets: ['models'] }, async (emu) => {
  for (const version of VERSIONS) await storeModelFile(emu, `iris/${version}/model.joblib`);
});
const home = scratch();
after(() => fs.rmSync(home.dir, { recursive: true, force: true }));

async function storeModelFile(emu: RunningEmulator, name: string): Promise<void> {
  const res = await fetch(`${emu.url}upload/storage/v1/b/models/o?uploadType=media&name=${name}`, { method: 'POST', body: 'model' });
  assert.equal(res.status, 200);
}

let projects = 0;
/** A project of its own per test: state never leaks between tests. */
function newProject(): string {
  return `sib-${process.pid}-${++projects}`;
}

function env(project: string, emu = emulator()): NodeJS.ProcessEnv {
  return { ...home.env, ...emulatorEnv(emu.port), CLOUDSDK_CORE_PROJECT: project, GCLOUD_AIP_TARGET: 'vertex-ai' };
}

/** gcloud-aip with the Vertex AI target; `expect`: the exit code asserted. */
async function aip(project: string, args: string[], expect = 0, emu = emulator()): Promise<RunResult> {
  const result = await runCli(args, env(project, emu), home.dir);
  assert.equal(result.code, expect, `gcloud-aip ${args.join(' ')}\n${result.stderr}`);
  return result;
}

const lines = (text: string) => text.split('\n').filter(Boolean);

// ---- the emulator's Vertex AI REST API, as `versions create` on Vertex AI would call it ----------

interface Operation {
  name: string;
  done?: boolean;
  error?: { code: number; message: string };
  response?: Record<string, unknown>;
}

async function rest<T>(method: string, path: string, body?: unknown, emu = emulator()): Promise<T> {
  const res = await fetch(`${emu.url}v1/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Polls an operation until done (the emulator settles them on the next request). */
async function settle(name: string, emu = emulator()): Promise<Operation> {
  const operation = await rest<Operation>('GET', name, undefined, emu);
  assert.ok(operation.done, `operation ${name} is not done`);
  assert.equal(operation.error, undefined, JSON.stringify(operation.error));
  return operation;
}

const location = (project: string) => `projects/${project}/locations/${REGION}`;

/**
 * One AI Platform version as gcloud-aip's `versions create` makes it on Vertex AI: uploaded to the
 * model's registry entry under its alias with the marker labels, deployed to the model's endpoint with
 * an explicit split (the first takes all traffic, a later one none). Returns the deploy operation
 * (without `deploy`: the upload's, as a `versions create` whose deploy failed leaves it).
 */
async function createVersion(
  project: string,
  model: string,
  version: string,
  deployedModelId: string,
  deploy = true,
  emu = emulator(),
): Promise<Operation> {
  const modelId = vertexModelId(model);
  const registry = `${location(project)}/models/${modelId}`;
  const first = deployedModelId === '1';
  const uploadRequest = {
    ...(first ? { modelId } : { parentModel: registry }),
    model: {
      displayName: model,
      artifactUri: `gs://models/iris/${version}/`,
      containerSpec: { imageUri: SKLEARN },
      versionAliases: [vertexAlias(version)],
      labels: { [MANAGED_BY.key]: MANAGED_BY.value, [MARKER_KEYS.model]: model, [MARKER_KEYS.version]: version },
    },
  };
  const upload = await rest<Operation>('POST', `${location(project)}/models:upload`, uploadRequest, emu);
  const uploaded = await settle(upload.name, emu);
  if (!deploy) return uploaded;
  const { modelVersionId } = uploaded.response as { modelVersionId: string };
  const endpoint = `${location(project)}/endpoints/${vertexEndpointId(model)}`;
  const current = await rest<{ trafficSplit?: Record<string, number> }>('GET', endpoint, undefined, emu);
  const deployRequest = {
    deployedModel: {
      id: deployedModelId,
      model: `${registry}@${modelVersionId}`,
      displayName: version,
      dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1, maxReplicaCount: 2 },
    },
    trafficSplit: first ? { '0': 100 } : { ...current.trafficSplit, '0': 0 },
  };
  const deployment = await rest<Operation>('POST', `${endpoint}:deployModel`, deployRequest, emu);
  await settle(deployment.name, emu);
  return deployment;
}

/** The Vertex AI requests that change something (not GET), as `METHOD path`. */
function changes(requests: RecordedRequest[]): string[] {
  return requests.filter((r) => r.method !== 'GET' && /^\/v1(beta1)?\/projects\//.test(r.path)).map((r) => `${r.method} ${r.path}`);
}

// ---- the deploy script ------------------------------------------------------------------------

describe('a deploy script on the Vertex AI target', () => {
  const project = newProject();
  const number = vertexProjectNumber(project);
  const R = `--region=${REGION}`;
  let secondDeploy: Operation;

  test('models create makes the endpoint under the deterministic id, with the model’s flags as labels', async () => {
    emulator().clearRequests();
    const created = await aip(project, ['ai-platform', 'models', 'create', 'iris', R, '--labels=team=ml', '--enable-logging']);
    assert.equal(created.stdout, '');
    assert.match(created.stderr, /Waiting for operation \[\d+\]\.\.\./);
    assert.match(created.stderr, /Created ai platform model \[projects\/[^/]+\/models\/iris\]\.\n$/);
    const post = emulator()
      .requests()
      .find((r) => r.method === 'POST' && r.path.endsWith('/endpoints'));
    assert.deepEqual(post?.query.endpointId, ['iris']);
    assert.deepEqual(post?.body, {
      displayName: 'iris',
      labels: { 'aip-access-logging': 'true', 'aip-console-logging': 'false', 'aip-model': 'iris', 'managed-by': 'gcloud-aip', team: 'ml' },
    });

    const again = await aip(project, ['ai-platform', 'models', 'create', 'iris', R], 1);
    assert.match(
      again.stderr,
      /ERROR: \(gcloud\.ai-platform\.models\.create\) ALREADY_EXISTS: Field: model\.name Error: A model with the same name already exists\./,
    );
  });

  test('models describe prints an AI Platform Model; a missing one is NOT_FOUND, exit 1 (the existence check)', async () => {
    const described = JSON.parse((await aip(project, ['ai-platform', 'models', 'describe', 'iris', R, '--format=json'])).stdout);
    assert.deepEqual(
      [described.name, described.regions, described.labels, described.onlinePredictionLogging, described.defaultVersion],
      [`projects/${project}/models/iris`, [REGION], { team: 'ml' }, true, undefined],
    );

    emulator().clearRequests();
    const missing = await aip(project, ['ai-platform', 'models', 'describe', 'nope', R], 1);
    assert.match(
      missing.stderr,
      /ERROR: \(gcloud\.ai-platform\.models\.describe\) NOT_FOUND: Field: name Error: The model resource: "nope" was not found\./,
    );
    // One GET by the deterministic id, then the display-name fallback: nothing else.
    assert.deepEqual(
      emulator()
        .requests()
        .map((r) => `${r.method} ${r.path} ${r.query.filter ?? ''}`),
      [`GET /v1/${location(project)}/endpoints/nope `, `GET /v1/${location(project)}/endpoints display_name="nope"`],
    );
  });

  test('two versions: list, describe and the list flags see AI Platform Versions', async () => {
    await createVersion(project, 'iris', 'v1', '1');
    secondDeploy = await createVersion(project, 'iris', 'v2', '2');

    const table = await aip(project, ['ai-platform', 'versions', 'list', '--model=iris', R]);
    assert.deepEqual(lines(table.stdout), [
      'NAME  DEPLOYMENT_URI        STATE',
      'v1    gs://models/iris/v1/  READY',
      'v2    gs://models/iris/v2/  READY',
    ]);
    // As with gcloud, `name` keeps the default format's basename().
    const values = await aip(project, ['ai-platform', 'versions', 'list', '--model=iris', R, '--format=value(name,isDefault)']);
    // isDefault only where true, as ml v1 answers.
    assert.deepEqual(lines(values.stdout), ['v1\tTrue', 'v2\t']);
    const json = JSON.parse((await aip(project, ['ai-platform', 'versions', 'list', '--model=iris', R, '--format=json'])).stdout);
    assert.deepEqual(
      json.map((v: { name: string }) => v.name),
      VERSIONS.map((v) => `projects/${project}/models/iris/versions/${v}`),
    );
    const filtered = await aip(project, [
      'ai-platform',
      'versions',
      'list',
      '--model=iris',
      R,
      '--filter=-isDefault:true',
      '--format=value(name.basename())',
    ]);
    assert.equal(filtered.stdout, 'v2\n');
    const newest = await aip(project, [
      'ai-platform',
      'versions',
      'list',
      '--model=iris',
      R,
      '--sort-by=~name',
      '--limit=1',
      '--format=value(name)',
    ]);
    assert.equal(newest.stdout, 'v2\n');

    const v1 = JSON.parse((await aip(project, ['ai-platform', 'versions', 'describe', 'v1', '--model=iris', R, '--format=json'])).stdout);
    assert.deepEqual(
      [v1.name, v1.state, v1.isDefault, v1.deploymentUri, v1.machineType, v1.autoScaling],
      [`projects/${project}/models/iris/versions/v1`, 'READY', true, 'gs://models/iris/v1/', 'n1-standard-2', { minNodes: 1, maxNodes: 2 }],
    );
    const missing = await aip(project, ['ai-platform', 'versions', 'describe', 'v9', '--model=iris', R], 1);
    assert.match(missing.stderr, /NOT_FOUND: Field: name Error: The specified model version was not found\./);

    const model = JSON.parse((await aip(project, ['ai-platform', 'models', 'describe', 'iris', R, '--format=json'])).stdout);
    assert.equal(model.defaultVersion.name, `projects/${project}/models/iris/versions/v1`);
    assert.equal(model.defaultVersion.isDefault, true);
  });

  test('models list shows the models gcloud-aip made, with --uri and --filter', async () => {
    const table = await aip(project, ['ai-platform', 'models', 'list', R]);
    assert.deepEqual(lines(table.stdout), ['NAME  DEFAULT_VERSION_NAME', 'iris  v1']);
    const uris = await aip(project, ['ai-platform', 'models', 'list', R, '--uri']);
    assert.match(uris.stdout, new RegExp(`^https?://[^\\s]+/v1/projects/${project}/models/iris\\n$`));
    const none = await aip(project, ['ai-platform', 'models', 'list', R, '--filter=name:zzz', '--format=value(name)']);
    assert.equal(none.stdout, '');
  });

  test('AI Platform’s rules: the default version and a model with versions are not deleted (nothing is sent)', async () => {
    emulator().clearRequests();
    const version = await aip(project, ['ai-platform', 'versions', 'delete', 'v1', '--model=iris', R], 1);
    assert.match(
      version.stderr,
      /ERROR: \(gcloud\.ai-platform\.versions\.delete\) FAILED_PRECONDITION: Field: name Error: Cannot delete the default version while the model has other versions\./,
    );
    const model = await aip(project, ['ai-platform', 'models', 'delete', 'iris', R], 1);
    assert.match(model.stderr, /FAILED_PRECONDITION: Field: name Error: A model with versions cannot be deleted\./);
    assert.deepEqual(changes(emulator().requests()), []);

    // gcloud's prompt comes before any request; `n` stops there.
    emulator().clearRequests();
    const declined = await runCommand(
      'bash',
      ['-c', `echo n | "${process.execPath}" "${CLI}" ai-platform versions delete v2 --model=iris ${R}`],
      { ...env(project), CLOUDSDK_CORE_DISABLE_PROMPTS: '0' },
      home.dir,
    );
    assert.equal(declined.code, 1, declined.stderr);
    assert.match(declined.stderr, /This will delete version \[v2\]\.\.\.\n\nDo you want to continue \(Y\/n\)\?/);
    assert.match(declined.stderr, /Aborted by user\./);
    assert.deepEqual(emulator().requests(), []);
  });

  test('operations: list, describe and wait in AI Platform’s shape under Vertex names', async () => {
    const listed = lines(
      (await aip(project, ['ai-platform', 'operations', 'list', R, '--format=value(name,metadata.operationType,done)'])).stdout,
    );
    assert.ok(
      listed.includes(`${secondDeploy.name.split('/').pop()}\tCREATE_VERSION\tTrue`),
      `the second deploy is listed (value(name) keeps the default format's basename): ${listed.join('\n')}`,
    );

    const described = JSON.parse(
      (await aip(project, ['ai-platform', 'operations', 'describe', secondDeploy.name, '--format=json'])).stdout,
    );
    assert.equal(described.name, secondDeploy.name);
    assert.match(described.name, new RegExp(`^projects/${number}/locations/${REGION}/endpoints/iris/operations/\\d+$`));
    assert.deepEqual(
      [described.done, described.metadata.operationType, described.metadata.modelName, described.response.name, described.response.state],
      [true, 'CREATE_VERSION', `projects/${project}/models/iris`, `projects/${project}/models/iris/versions/v2`, 'READY'],
    );

    // A bare id is read under the command's region, as gcloud ai reads it; waiting for a done one prints its response.
    const waited = await aip(project, [
      'ai-platform',
      'operations',
      'wait',
      secondDeploy.name.split('/').pop()!,
      R,
      '--format=value(response.name)',
    ]);
    assert.equal(waited.stdout, `projects/${project}/models/iris/versions/v2\n`);

    // No --region: ai_platform/region, as models and versions take it (Vertex AI has no global endpoint).
    emulator().clearRequests();
    const elsewhere = await runCli(
      ['ai-platform', 'operations', 'list'],
      { ...env(project), CLOUDSDK_AI_PLATFORM_REGION: 'europe-west4' },
      home.dir,
    );
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    assert.deepEqual(
      emulator()
        .requests()
        .map((r) => r.path),
      [`/v1/projects/${project}/locations/europe-west4/operations`],
    );

    // An AI Platform operation name a script built names the id, read under the region.
    const built = `projects/${project}/operations/${secondDeploy.name.split('/').pop()}`;
    const byBuiltName = await aip(project, ['ai-platform', 'operations', 'describe', built, R, '--format=value(name)']);
    assert.equal(byBuiltName.stdout, `${secondDeploy.name}\n`);

    const missing = await aip(project, ['ai-platform', 'operations', 'describe', '123', R], 1);
    assert.match(missing.stderr, /NOT_FOUND: Operation projects\/\d+\/locations\/us-central1\/operations\/123 not found\./);
  });

  test('versions set-default moves the traffic and the registry’s default alias', async () => {
    const set = await aip(project, [
      'ai-platform',
      'versions',
      'set-default',
      'v2',
      '--model=iris',
      R,
      '--format=value(name,state,isDefault)',
    ]);
    assert.equal(set.stdout, `projects/${project}/models/iris/versions/v2\tREADY\tTrue\n`);
    const endpoint = await rest<{ trafficSplit: Record<string, number> }>('GET', `${location(project)}/endpoints/iris`);
    assert.deepEqual(endpoint.trafficSplit, { '1': 0, '2': 100 });
    const registry = await rest<{ versionId: string }>('GET', `${location(project)}/models/iris`);
    assert.equal(registry.versionId, '2');
  });

  test('the real gcloud ai reads what gcloud-aip made', { skip: !HAVE_GCLOUD && 'gcloud is not installed' }, async () => {
    const gcloud = async (...args: string[]) => {
      const result = await runCommand('gcloud', [...args, R, '--format=json'], { ...env(project), GCLOUD_AIP_TARGET: '' }, home.dir);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    const endpoint = await gcloud('ai', 'endpoints', 'describe', 'iris');
    assert.deepEqual(
      [endpoint.name, endpoint.displayName, endpoint.labels['managed-by'], endpoint.trafficSplit],
      [`projects/${number}/locations/${REGION}/endpoints/iris`, 'iris', 'gcloud-aip', { '1': 0, '2': 100 }],
    );
    const versions = await gcloud('ai', 'models', 'list-version', 'iris');
    assert.deepEqual(
      versions.map((v: { versionId: string; versionAliases: string[] }) => [v.versionId, [...v.versionAliases].sort()]),
      [
        ['1', ['v1']],
        ['2', ['default', 'v2']],
      ],
    );
  });

  test('versions delete: a version that is not the default, then the sole one with its registry model; then the model', async () => {
    emulator().clearRequests();
    const deleted = await aip(project, ['ai-platform', 'versions', 'delete', 'v1', '--model=iris', R, '--quiet']);
    assert.match(deleted.stderr, /Deleting version \[v1\]\.\.\./);
    const endpoint = `/v1/${location(project)}/endpoints/iris`;
    const registry = `/v1/${location(project)}/models/iris`;
    assert.deepEqual(changes(emulator().requests()), [`POST ${endpoint}:undeployModel`, `DELETE ${registry}@1:deleteVersion`]);
    const remaining = await aip(project, [
      'ai-platform',
      'versions',
      'list',
      '--model=iris',
      R,
      '--format=value(name.basename(),isDefault)',
    ]);
    assert.equal(remaining.stdout, 'v2\tTrue\n');

    emulator().clearRequests();
    await aip(project, ['ai-platform', 'versions', 'delete', 'v2', '--model=iris', R, '--quiet']);
    assert.deepEqual(changes(emulator().requests()), [`POST ${endpoint}:undeployModel`, `DELETE ${registry}`]);
    const none = await aip(project, ['ai-platform', 'versions', 'list', '--model=iris', R, '--format=value(name)']);
    assert.equal(none.stdout, '');

    const gone = await aip(project, ['ai-platform', 'models', 'delete', 'iris', R, '--quiet']);
    assert.match(gone.stderr, /Deleting model \[iris\]\.\.\./);
    const missing = await aip(project, ['ai-platform', 'models', 'describe', 'iris', R], 1);
    assert.match(missing.stderr, /NOT_FOUND/);
  });
});

test('a version uploaded but not deployed is FAILED, cannot be the default, and is deleted without an undeploy', async () => {
  const project = newProject();
  const R = `--region=${REGION}`;
  await aip(project, ['ai-platform', 'models', 'create', 'iris', R]);
  await createVersion(project, 'iris', 'v1', '1');
  await createVersion(project, 'iris', 'v2', '2', false);
  const listed = await aip(project, ['ai-platform', 'versions', 'list', '--model=iris', R, '--format=value(name.basename(),state)']);
  assert.deepEqual(lines(listed.stdout), ['v1\tREADY', 'v2\tFAILED']);
  const described = JSON.parse(
    (await aip(project, ['ai-platform', 'versions', 'describe', 'v2', '--model=iris', R, '--format=json'])).stdout,
  );
  assert.match(described.errorMessage, /not deployed; run versions create again/);

  emulator().clearRequests();
  const refused = await aip(project, ['ai-platform', 'versions', 'set-default', 'v2', '--model=iris', R], 1);
  assert.match(refused.stderr, /FAILED_PRECONDITION: .*Version \[v2\] is not deployed to Vertex AI endpoint/);
  assert.deepEqual(changes(emulator().requests()), []);

  await aip(project, ['ai-platform', 'versions', 'delete', 'v2', '--model=iris', R, '--quiet']);
  assert.deepEqual(changes(emulator().requests()), [`DELETE /v1/${location(project)}/models/iris@2:deleteVersion`]);
});

test('a version whose deploy is still running is CREATING', async () => {
  // Uploaded on a quick emulator; deployed on a slow one over the same data: the deploy keeps running.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vertex-siblings-'));
  const project = newProject();
  const R = `--region=${REGION}`;
  const quick = await startEmulator({ operationDelayMs: 0, dataDir, buckets: ['models'] });
  try {
    await aip(project, ['ai-platform', 'models', 'create', 'iris', R], 0, quick);
    await createVersion(project, 'iris', 'v1', '1', false, quick);
  } finally {
    await quick.close();
  }
  const slow = await startEmulator({ operationDelayMs: 600_000, dataDir });
  try {
    const endpoint = `${location(project)}/endpoints/iris`;
    await rest(
      'POST',
      `${endpoint}:deployModel`,
      {
        deployedModel: {
          model: `${location(project)}/models/iris@1`,
          displayName: 'v1',
          dedicatedResources: { machineSpec: {}, minReplicaCount: 1 },
        },
        trafficSplit: { '0': 100 },
      },
      slow,
    );
    const listed = await aip(
      project,
      ['ai-platform', 'versions', 'list', '--model=iris', R, '--format=value(name.basename(),state)'],
      0,
      slow,
    );
    assert.equal(listed.stdout, 'v1\tCREATING\n');
  } finally {
    await slow.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a split set by hand: deleting a version with traffic hands its share and the default alias on', async () => {
  const project = newProject();
  const R = `--region=${REGION}`;
  await aip(project, ['ai-platform', 'models', 'create', 'iris', R]);
  await createVersion(project, 'iris', 'v1', '1');
  await createVersion(project, 'iris', 'v2', '2');
  // As `gcloud ai endpoints update --traffic-split` leaves it: no version has all the traffic.
  const endpoint = `${location(project)}/endpoints/iris`;
  await rest('PATCH', `${endpoint}?updateMask=traffic_split`, { trafficSplit: { '1': 30, '2': 70 } });
  const model = await aip(project, ['ai-platform', 'models', 'describe', 'iris', R, '--format=value(defaultVersion.name)']);
  assert.equal(model.stdout, '\n');

  emulator().clearRequests();
  await aip(project, ['ai-platform', 'versions', 'delete', 'v1', '--model=iris', R, '--quiet']);
  const registry = `${location(project)}/models/iris`;
  assert.deepEqual(changes(emulator().requests()), [
    `POST /v1/${endpoint}:undeployModel`,
    `POST /v1/${registry}@2:mergeVersionAliases`,
    `DELETE /v1/${registry}@1:deleteVersion`,
  ]);
  const undeploy = emulator()
    .requests()
    .find((r) => r.path.endsWith(':undeployModel'));
  assert.deepEqual(undeploy?.body, { deployedModelId: '1', trafficSplit: { '2': 100 } });
  const listed = await aip(project, ['ai-platform', 'versions', 'list', '--model=iris', R, '--format=value(name.basename(),isDefault)']);
  assert.equal(listed.stdout, 'v2\tTrue\n');
  const remaining = await rest<{ versionId: string; versionAliases: string[] }>('GET', registry);
  assert.deepEqual([remaining.versionId, [...remaining.versionAliases].sort()], ['2', ['default', 'v2']]);
});

// ---- the same command lines on both targets ----------------------------------------------------

test('the sibling commands print the same on both targets for the same command lines', async () => {
  // One project, the ml service's state and the Vertex AI service's side by side in one emulator;
  // the region from the property (global: us-central1 on Vertex AI), as a deploy script leaves it.
  const project = newProject();
  const on = (target: string) => ({ ...env(project), GCLOUD_AIP_TARGET: target, CLOUDSDK_AI_PLATFORM_REGION: 'global' });
  const run = (target: string, args: string[]) => runCli(['ai-platform', ...args], on(target), home.dir);

  for (const target of ['ai-platform', 'vertex-ai']) {
    assert.equal((await run(target, ['models', 'create', 'iris', '--regions=us-central1'])).code, 0);
  }
  for (const version of VERSIONS) {
    const created = await run('ai-platform', [
      'versions',
      'create',
      version,
      '--model=iris',
      `--origin=gs://models/iris/${version}/`,
      '--runtime-version=2.11',
      '--framework=scikit-learn',
      '--python-version=3.7',
    ]);
    assert.equal(created.code, 0, created.stderr);
  }
  await createVersion(project, 'iris', 'v1', '1');
  await createVersion(project, 'iris', 'v2', '2');

  const script = [
    ['models', 'describe', 'iris', '--format=value(name,defaultVersion.name)'],
    ['models', 'list'],
    ['models', 'list', '--uri'],
    ['versions', 'list', '--model=iris'],
    ['versions', 'list', '--model=iris', '--format=value(name,deploymentUri,state,isDefault)'],
    ['versions', 'describe', 'v2', '--model=iris', '--format=value(name,state,isDefault,deploymentUri)'],
    ['versions', 'list', '--model=iris', '--filter=-isDefault:true', '--format=value(name.basename())'],
    ['versions', 'delete', 'v1', '--model=iris', '--quiet'],
    ['models', 'delete', 'iris', '--quiet'],
    ['versions', 'set-default', 'v2', '--model=iris', '--format=value(name,state,isDefault)'],
    ['versions', 'delete', 'v1', '--model=iris', '--quiet'],
    ['versions', 'list', '--model=iris', '--format=value(name.basename(),isDefault)'],
    ['models', 'describe', 'nope'],
    ['versions', 'describe', 'v9', '--model=iris'],
  ];
  for (const args of script) {
    const [ml, vertex] = await Promise.all(['ai-platform', 'vertex-ai'].map((target) => run(target, args)));
    const seen = (r: RunResult) => ({ code: r.code, stdout: r.stdout, error: /^ERROR: .*$/m.exec(r.stderr)?.[0] });
    assert.deepEqual(seen(vertex), seen(ml), `ai-platform ${args.join(' ')}\nml: ${ml.stderr}\nvertex: ${vertex.stderr}`);
  }
});

test('models create: what Vertex AI cannot take is refused before any request, naming the flag', async () => {
  const project = newProject();
  emulator().clearRequests();
  const two = await aip(project, ['ai-platform', 'models', 'create', 'm', '--regions=us-central1,europe-west4'], 1);
  assert.match(
    two.stderr,
    /^ERROR: \(gcloud\.ai-platform\.models\.create\) regions: a Vertex AI endpoint is in one region \(2 given: us-central1, europe-west4\) \(from --regions\)$/m,
  );
  const marker = await aip(project, ['ai-platform', 'models', 'create', 'm', `--region=${REGION}`, '--labels=managed-by=me'], 1);
  assert.match(marker.stderr, /labels: the key 'managed-by' is reserved on Vertex AI.* \(from --labels\)$/m);
  assert.deepEqual(changes(emulator().requests()), []);
});

// ---- tracks -----------------------------------------------------------------------------------

test('beta and alpha speak v1beta1, GA v1, with the same answers', async () => {
  const project = newProject();
  for (const track of [[], ['beta'], ['alpha']]) {
    const model = `m_${track[0] ?? 'ga'}`;
    emulator().clearRequests();
    await aip(project, [...track, 'ai-platform', 'models', 'create', model, `--region=${REGION}`]);
    const described = await aip(project, [
      ...track,
      'ai-platform',
      'models',
      'describe',
      model,
      `--region=${REGION}`,
      '--format=value(name)',
    ]);
    assert.equal(described.stdout, `projects/${project}/models/${model}\n`);
    const apiVersion = track.length ? 'v1beta1' : 'v1';
    const paths = emulator()
      .requests()
      .filter((r) => !r.path.includes('/operations/'))
      .map((r) => r.path.split('/')[1]);
    assert.deepEqual([...new Set(paths)], [apiVersion], `${track.join(' ') || 'GA'}: ${paths.join(', ')}`);
  }
  // `m_ga` becomes endpoint `m-ga`: the id is derived, the name kept.
  const listed = await aip(project, [
    'ai-platform',
    'models',
    'list',
    `--region=${REGION}`,
    '--format=value(name.basename())',
    '--sort-by=name',
  ]);
  assert.deepEqual(lines(listed.stdout), ['m_alpha', 'm_beta', 'm_ga']);
});

// ---- resources made elsewhere -------------------------------------------------------------------

describe('models and versions made elsewhere (gcloud ai, the console, REST without gcloud-aip’s labels)', () => {
  const project = newProject();
  const R = `--region=${REGION}`;

  /** An endpoint with a server-assigned id and no labels, as `gcloud ai endpoints create --display-name` makes it. */
  async function foreignEndpoint(displayName: string): Promise<string> {
    const operation = await rest<Operation>('POST', `${location(project)}/endpoints`, { displayName });
    return (await settle(operation.name)).response!.name as string;
  }

  test('found by display name: describe, versions describe by alias, and list by deployed name', async () => {
    const endpointName = await foreignEndpoint('legacy');
    const upload = await rest<Operation>('POST', `${location(project)}/models:upload`, {
      // Another display name: the registry model is found as the source of what the endpoint serves.
      model: {
        displayName: 'legacy registry entry',
        artifactUri: 'gs://models/iris/v1/',
        containerSpec: { imageUri: SKLEARN },
        versionAliases: ['v1'],
      },
    });
    const { model: registry } = (await settle(upload.name)).response as { model: string };
    const deploy = await rest<Operation>('POST', `${endpointName}:deployModel`, {
      deployedModel: {
        model: registry,
        displayName: 'legacy-v1',
        dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1 },
      },
      trafficSplit: { '0': 100 },
    });
    await settle(deploy.name);

    const model = JSON.parse((await aip(project, ['ai-platform', 'models', 'describe', 'legacy', R, '--format=json'])).stdout);
    assert.deepEqual(
      [model.name, model.defaultVersion?.name, model.defaultVersion?.state],
      [`projects/${project}/models/legacy`, `projects/${project}/models/legacy/versions/legacy-v1`, 'READY'],
    );
    const byAlias = await aip(project, [
      'ai-platform',
      'versions',
      'describe',
      'v1',
      '--model=legacy',
      R,
      '--format=value(deploymentUri,isDefault)',
    ]);
    assert.equal(byAlias.stdout, 'gs://models/iris/v1/\tTrue\n');
    const listed = await aip(project, ['ai-platform', 'versions', 'list', '--model=legacy', R, '--format=value(name.basename())']);
    assert.equal(listed.stdout, 'legacy-v1\n');
    // Not gcloud-aip's: not an AI Platform model in `models list`.
    const models = await aip(project, ['ai-platform', 'models', 'list', R, '--format=value(name)']);
    assert.equal(models.stdout, '');
  });

  test('nothing deployed: the registry model is found by display name', async () => {
    await foreignEndpoint('loner');
    const upload = await rest<Operation>('POST', `${location(project)}/models:upload`, {
      model: { displayName: 'loner', artifactUri: 'gs://models/iris/v2/', containerSpec: { imageUri: SKLEARN }, versionAliases: ['draft'] },
    });
    await settle(upload.name);
    emulator().clearRequests();
    const listed = await aip(project, ['ai-platform', 'versions', 'list', '--model=loner', R, '--format=value(name.basename(),state)']);
    assert.equal(listed.stdout, 'draft\tFAILED\n');
    const filters = emulator()
      .requests()
      .flatMap((r) => r.query.filter ?? []);
    assert.deepEqual(filters, ['display_name="loner"', 'display_name="loner"']);
  });

  test('made by the real gcloud ai: found by display name', { skip: !HAVE_GCLOUD && 'gcloud is not installed' }, async () => {
    const gcloud = async (...args: string[]) => {
      const result = await runCommand('gcloud', [...args, R], { ...env(project), GCLOUD_AIP_TARGET: '' }, home.dir);
      assert.equal(result.code, 0, result.stderr);
      return result;
    };
    // No --endpoint-id, no --model-id: server-assigned numeric ids, as the console and most scripts make them.
    const created = await gcloud('ai', 'endpoints', 'create', '--display-name=by_gcloud');
    const endpointId = /endpoints\/(\d+)\./.exec(created.stderr)?.[1];
    assert.ok(endpointId, created.stderr);
    await gcloud(
      'ai',
      'models',
      'upload',
      '--display-name=by_gcloud',
      `--container-image-uri=${SKLEARN}`,
      '--artifact-uri=gs://models/iris/v2/',
      '--version-aliases=v7',
    );
    // gcloud's value(name) keeps its list format's basename: the id.
    const registry = (await gcloud('ai', 'models', 'list', '--filter=display_name=by_gcloud', '--format=value(name)')).stdout.trim();
    assert.match(registry, /^\d+$/);
    await gcloud('ai', 'endpoints', 'deploy-model', endpointId, `--model=${registry}`, '--display-name=v7', '--traffic-split=0=100');

    const model = await aip(project, ['ai-platform', 'models', 'describe', 'by_gcloud', R, '--format=value(name,defaultVersion.name)']);
    assert.equal(model.stdout, `projects/${project}/models/by_gcloud\tprojects/${project}/models/by_gcloud/versions/v7\n`);
    const version = await aip(project, [
      'ai-platform',
      'versions',
      'describe',
      'v7',
      '--model=by_gcloud',
      R,
      '--format=value(state,isDefault)',
    ]);
    assert.equal(version.stdout, 'READY\tTrue\n');
  });

  test('several endpoints with the name: refused, each listed, nothing changed', async () => {
    const names = [await foreignEndpoint('twin'), await foreignEndpoint('twin')];
    emulator().clearRequests();
    const refused = await aip(project, ['ai-platform', 'models', 'delete', 'twin', R, '--quiet'], 1);
    assert.match(refused.stderr, /2 Vertex AI endpoints have the display name \[twin\]/);
    for (const name of names) assert.ok(refused.stderr.includes(`  ${name}\n`), refused.stderr);
    assert.deepEqual(changes(emulator().requests()), []);
  });
});

// ---- operations still running -------------------------------------------------------------------

describe('operations that are still running', () => {
  const slow = suiteEmulator({ operationDelayMs: 600_000, buckets: ['models'] });
  const project = newProject();

  test('describe shows it running; cancel ends it; wait then reports its error (exit 1)', async () => {
    const started = await rest<Operation>('POST', `${location(project)}/endpoints?endpointId=slow`, { displayName: 'slow' }, slow());
    const running = await aip(project, ['ai-platform', 'operations', 'describe', started.name, '--format=json'], 0, slow());
    const described = JSON.parse(running.stdout);
    assert.deepEqual([described.name, described.done], [started.name, undefined]);

    const cancelled = await aip(project, ['ai-platform', 'operations', 'cancel', started.name], 0, slow());
    assert.equal(cancelled.stdout, '');
    assert.ok(
      slow()
        .requests()
        .some((r) => r.method === 'POST' && r.path === `/v1beta1/${started.name}:cancel`),
    );

    const waited = await aip(project, ['ai-platform', 'operations', 'wait', started.name], 1, slow());
    assert.match(waited.stderr, /^ERROR: \(gcloud\.ai-platform\.operations\.wait\) /m);
    const after = JSON.parse(
      (await aip(project, ['ai-platform', 'operations', 'describe', started.name, '--format=json'], 0, slow())).stdout,
    );
    assert.deepEqual([after.done, after.error?.code], [true, 1]);
  });
});

// ---- the target's value -----------------------------------------------------------------------

test('every sibling command refuses a GCLOUD_AIP_TARGET that is not a target, before any request', async () => {
  const commands = [
    ['models', 'create', 'm'],
    ['models', 'describe', 'm'],
    ['models', 'list'],
    ['models', 'delete', 'm'],
    ['versions', 'list', '--model=m'],
    ['versions', 'describe', 'v', '--model=m'],
    ['versions', 'delete', 'v', '--model=m'],
    ['versions', 'set-default', 'v', '--model=m'],
    ['operations', 'describe', 'o'],
    ['operations', 'wait', 'o'],
    ['operations', 'cancel', 'o'],
    ['operations', 'list'],
  ];
  emulator().clearRequests();
  for (const command of commands) {
    const result = await runCli(['ai-platform', ...command], { ...env('p'), GCLOUD_AIP_TARGET: 'vertex' }, home.dir);
    assert.equal(result.code, 1, `${command.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /GCLOUD_AIP_TARGET is set to \[vertex\], which is not a target; use one of: ai-platform, vertex-ai\./);
  }
  assert.deepEqual(emulator().requests(), []);
});
