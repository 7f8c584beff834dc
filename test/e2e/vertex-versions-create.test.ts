// `versions create` on the vertex-ai target, end to end: the built CLI as a subprocess against the
// emulator's Vertex AI service on an ephemeral port (issue 25 item 2; VERTEX.md §1). The same
// command lines as on ai-platform, selected by GCLOUD_AIP_TARGET or --target, on GA (v1) and
// beta/alpha (v1beta1); endpoint operations are polled through v1beta1 on every track.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { RecordedRequest } from '../../src/emulator';
import { emulatorEnv, gcloudAvailable, runCli, runCommand, scratch, type RunResult } from '../support/cli';
import { TF_MODEL } from '../support/deploy';
import { suiteEmulator } from '../support/emulator';

const PROJECT = 'test-project';
const STAGING = 'staging-vx';

const emulator = suiteEmulator({ operationDelayMs: 0, buckets: [STAGING, 'models'] }, async (emu) => {
  await putObject(emu.url, 'models', 'sklearn/model.joblib');
  await putObject(emu.url, 'models', 'broken/README.txt');
});
const home = scratch();
after(() => fs.rmSync(home.dir, { recursive: true, force: true }));

async function putObject(url: string, bucket: string, name: string): Promise<void> {
  const res = await fetch(`${url}upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    body: 'model bytes',
  });
  assert.equal(res.status, 200);
}

/** The environment of a CI job that selected Vertex AI by the variable alone. */
function vertexEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...home.env,
    ...emulatorEnv(emulator().port),
    CLOUDSDK_AI_PLATFORM_REGION: 'us-central1',
    GCLOUD_AIP_TARGET: 'vertex-ai',
    ...extra,
  };
}

const TRACK_WORDS = { GA: [], BETA: ['beta'], ALPHA: ['alpha'] } as const;
type TrackName = keyof typeof TRACK_WORDS;

function versionsCreate(track: TrackName, version: string, model: string, flags: string[], env = vertexEnv()): Promise<RunResult> {
  return runCli([...TRACK_WORDS[track], 'ai-platform', 'versions', 'create', version, `--model=${model}`, ...flags], env);
}

/** The TensorFlow SavedModel fixture, staged from the local directory; runtime 2.11 serves it. */
const LOCAL_TF = [`--origin=${TF_MODEL}`, `--staging-bucket=gs://${STAGING}`, '--runtime-version=2.11'];
const SKLEARN = ['--origin=gs://models/sklearn/', '--runtime-version=2.11', '--framework=scikit-learn', '--python-version=3.7'];

const vertexRequests = () =>
  emulator()
    .requests()
    .filter((r) => /^\/v1(beta1)?\/projects\/[^/]+\/locations\//.test(r.path));
const changes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');
const describeRequest = (r: RecordedRequest) => `${r.method} ${r.path}`;

interface Version {
  name: string;
  state: string;
  isDefault?: boolean;
  deploymentUri?: string;
  runtimeVersion?: string;
  framework?: string;
  machineType?: string;
  createTime?: string;
}

async function emulatorGet<T>(resource: string): Promise<T> {
  const res = await fetch(`${emulator().url}v1/${resource}`);
  assert.equal(res.status, 200, `GET ${resource}`);
  return (await res.json()) as T;
}

/** No WARNING: line twice, and each expected one exactly once. */
function expectWarningsOnce(stderr: string, expected: RegExp[]): void {
  const lines = stderr.split('\n').filter((line) => line.startsWith('WARNING:'));
  assert.equal(new Set(lines).size, lines.length, `a warning printed twice:\n${stderr}`);
  for (const pattern of expected) assert.equal(lines.filter((line) => pattern.test(line)).length, 1, `${pattern}\n${stderr}`);
}

interface Endpoint {
  name: string;
  trafficSplit?: Record<string, number>;
  deployedModels?: { id: string; model: string; modelVersionId: string; displayName: string }[];
}

describe('versions create on the vertex-ai target', () => {
  for (const track of ['GA', 'BETA', 'ALPHA'] as const) {
    const model = `iris_${track.toLowerCase()}`;
    const endpointId = `iris-${track.toLowerCase()}`;
    const apiVersion = track === 'GA' ? 'v1' : 'v1beta1';

    test(`${track}: a first version (GCLOUD_AIP_TARGET) creates the endpoint, uploads with modelId, deploys with all the traffic`, async () => {
      emulator().clearRequests();
      const r = await versionsCreate(track, 'v1', model, [...LOCAL_TF, '--format=json']);
      assert.equal(r.code, 0, r.stderr);
      const version = JSON.parse(r.stdout) as Version;
      assert.equal(version.name, `projects/${PROJECT}/models/${model}/versions/v1`);
      assert.equal(version.state, 'READY');
      assert.equal(version.isDefault, true);
      assert.equal(version.runtimeVersion, '2.11');
      assert.match(version.deploymentUri ?? '', new RegExp(`^gs://${STAGING}/[0-9a-f]{64}/$`));
      assert.match(version.createTime ?? '', /^\d{4}-\d\d-\d\dT/);

      const parent = `/${apiVersion}/projects/${PROJECT}/locations/us-central1`;
      assert.deepEqual(changes(vertexRequests()).map(describeRequest), [
        `POST ${parent}/endpoints`,
        `POST ${parent}/models:upload`,
        `POST ${parent}/endpoints/${endpointId}:deployModel`,
      ]);
      const [create, upload, deploy] = changes(vertexRequests());
      assert.deepEqual(create.query.endpointId, [endpointId]);
      const uploadBody = upload.body as { modelId?: string; parentModel?: string; model: Record<string, unknown> };
      assert.equal(uploadBody.modelId, model);
      assert.equal(uploadBody.parentModel, undefined);
      assert.equal(uploadBody.model.artifactUri, version.deploymentUri);
      assert.deepEqual(uploadBody.model.versionAliases, ['v1']);
      assert.deepEqual(uploadBody.model.containerSpec, { imageUri: 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-11:latest' });
      const deployBody = deploy.body as { deployedModel: { model: string; displayName: string }; trafficSplit: Record<string, number> };
      assert.equal(deployBody.deployedModel.model, `projects/${PROJECT}/locations/us-central1/models/${model}@1`);
      assert.equal(deployBody.deployedModel.displayName, 'v1');
      assert.deepEqual(deployBody.trafficSplit, { '0': 100 });
      // gcloud's split: endpoint operations polled through v1beta1 on every track, model operations through the track's version.
      const polls = vertexRequests().filter((req) => req.method === 'GET' && req.path.includes('/operations/'));
      assert.ok(polls.some((p) => p.path.startsWith(`/v1beta1/projects/`) && p.path.includes(`/endpoints/${endpointId}/operations/`)));
      assert.ok(polls.some((p) => p.path.startsWith(`/${apiVersion}/projects/`) && p.path.includes(`/models/${model}/operations/`)));
      assert.ok(
        polls.every((p) => /^\/v1(beta1)?\/projects\/\d{12}\//.test(p.path)),
        'polls use the name the service returned',
      );
      // gcloud's progress output, one wait per operation.
      assert.equal(r.stderr.match(/^Waiting for operation \[\d+\]\.\.\./gm)?.length, 3, r.stderr);
      assert.match(r.stderr, /Created Vertex AI endpoint: projects\/\d{12}\/locations\/us-central1\/endpoints\/iris-/);
      assert.match(r.stderr, /Deployed a model to the endpoint iris-\w+\. Id of the deployed model: \d+\./);
    });

    test(`${track}: a second version (--target, no variable) uploads under parentModel and deploys with 0 traffic`, async () => {
      emulator().clearRequests();
      const env = vertexEnv({ GCLOUD_AIP_TARGET: undefined });
      const r = await versionsCreate(track, 'v2', model, [...LOCAL_TF, '--target=vertex-ai', '--format=value(name,isDefault,state)'], env);
      assert.equal(r.code, 0, r.stderr);
      // As ml v1 answers (proto3 JSON): no isDefault on a version that is not the default.
      assert.equal(r.stdout, `projects/${PROJECT}/models/${model}/versions/v2\t\tREADY\n`);
      const [upload, deploy, ...rest] = changes(vertexRequests());
      assert.deepEqual(rest, [], 'the endpoint exists: not created again');
      assert.deepEqual(
        { modelId: (upload.body as { modelId?: string }).modelId, parentModel: (upload.body as { parentModel?: string }).parentModel },
        { modelId: undefined, parentModel: `projects/${PROJECT}/locations/us-central1/models/${model}` },
      );
      const endpoint = await emulatorGet<Endpoint>(`projects/${PROJECT}/locations/us-central1/endpoints/${endpointId}`);
      const first = endpoint.deployedModels?.find((dm) => dm.displayName === 'v1');
      assert.ok(first);
      assert.deepEqual((deploy.body as { trafficSplit: Record<string, number> }).trafficSplit, { [first.id]: 100, '0': 0 });
      assert.equal(endpoint.trafficSplit?.[first.id], 100);
      assert.equal(endpoint.deployedModels?.length, 2);
    });
  }

  test('--format=value(name) prints the AI Platform version name', async () => {
    const r = await versionsCreate('GA', 'v1', 'sk_model', [...SKLEARN, '--format=value(name)']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `projects/${PROJECT}/models/sk_model/versions/v1\n`);
  });

  test('--async: waits for the upload, starts the deploy and prints its operation without polling it', async () => {
    emulator().clearRequests();
    const r = await versionsCreate('GA', 'v2', 'sk_model', [...SKLEARN, '--async', '--format=json']);
    assert.equal(r.code, 0, r.stderr);
    const operation = JSON.parse(r.stdout) as { name: string; done?: boolean; metadata: Record<string, unknown> };
    assert.match(operation.name, /^projects\/\d{12}\/locations\/us-central1\/endpoints\/sk-model\/operations\/\d+$/);
    assert.equal(operation.metadata.operationType, 'CREATE_VERSION');
    assert.equal(operation.metadata.modelName, `projects/${PROJECT}/models/sk_model`);
    assert.equal((operation.metadata.version as Version).name, `projects/${PROJECT}/models/sk_model/versions/v2`);
    const requests = vertexRequests();
    const deployAt = requests.findIndex((req) => req.method === 'POST' && req.path.endsWith(':deployModel'));
    assert.ok(deployAt > 0);
    const uploadPoll = requests.findIndex((req) => req.method === 'GET' && /\/models\/sk_model\/operations\//.test(req.path));
    assert.ok(uploadPoll >= 0 && uploadPoll < deployAt, 'the upload is waited for before the deploy starts');
    assert.ok(!requests.some((req) => req.path.includes(operation.name)), 'the deploy operation is not polled');
    assert.equal(r.stderr.match(/^Waiting for operation/gm)?.length, 1, r.stderr);
  });

  test('--dry-run: prints the endpoint create, upload and deploy bodies; sends only reads, stages nothing', async () => {
    emulator().clearRequests();
    const r = await versionsCreate('BETA', 'v1', 'dry_model', [...LOCAL_TF, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    const bodies = r.stdout
      .split(/\n(?=\{)/)
      .filter((text) => text.trim())
      .map((text) => JSON.parse(text) as Record<string, unknown>);
    assert.equal(bodies.length, 3, r.stdout);
    const [create, upload, deploy] = bodies as [
      { displayName: string; labels: Record<string, string> },
      { modelId: string; model: { artifactUri: string } },
      { deployedModel: { model: string }; trafficSplit: Record<string, number> },
    ];
    assert.equal(create.displayName, 'dry_model');
    assert.equal(create.labels['managed-by'], 'gcloud-aip');
    assert.equal(upload.modelId, 'dry_model');
    assert.match(upload.model.artifactUri, new RegExp(`^gs://${STAGING}/[0-9a-f]{64}/$`));
    assert.deepEqual(deploy.trafficSplit, { '0': 100 });
    assert.match(
      r.stderr,
      /Would POST http:\/\/127\.0\.0\.1:\d+\/v1beta1\/projects\/test-project\/locations\/us-central1\/endpoints\?endpointId=dry-model \(endpoints\.create\)/,
    );
    assert.match(r.stderr, /Would POST .*\/models:upload \(models\.upload\)/);
    assert.match(r.stderr, /Would POST .*\/endpoints\/dry-model:deployModel \(endpoints\.deployModel\)/);
    assert.deepEqual(changes(emulator().requests()).map(describeRequest), []);
  });

  test('each warning is printed once, naming what is sent instead and where the value came from', async () => {
    const config = path.join(home.dir, 'scale-to-zero.yaml');
    fs.writeFileSync(config, 'machineType: mls1-c1-m2\nautoScaling:\n  minNodes: 0\n');
    const r = await versionsCreate('BETA', 'v1', 'warn_model', [...SKLEARN, '--region=global', `--config=${config}`]);
    assert.equal(r.code, 0, r.stderr);
    expectWarningsOnce(r.stderr, [
      /^WARNING: region: Vertex AI has no global endpoint; using us-central1 .*\(from --region\)$/,
      /^WARNING: machineType: mls1-c1-m2 does not exist on Vertex AI; using n1-standard-2 \(from .*scale-to-zero\.yaml, line 1\)$/,
      new RegExp(
        `^WARNING: autoScaling\\.minNodes: 0: Vertex AI keeps at least 1 replica running and bills it while idle; sending minReplicaCount 1 \\(from ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 2\\)$`,
      ),
      /^WARNING: autoScaling\.maxNodes: not set: Vertex AI then runs exactly minReplicaCount \(1\) replicas and does not autoscale; set --max-nodes to autoscale/,
      /^WARNING: onlinePredictionConsoleLogging: .*container logging is turned off/,
    ]);
  });

  test('legacy machine types: the replacement and the idle bill, each named once', async () => {
    const r = await versionsCreate('GA', 'v1', 'mls1_model', [...SKLEARN, '--machine-type=mls1-c1-m2', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    expectWarningsOnce(r.stderr, [
      /^WARNING: machineType: mls1-c1-m2 does not exist on Vertex AI; using n1-standard-2 \(from --machine-type\)$/,
      /^WARNING: autoScaling: not set: AI Platform scaled this legacy machine type down to zero nodes when idle; Vertex AI keeps at least 1 replica running and bills it while idle$/,
    ]);
  });

  test("env-init's region (global, from the property) on the local emulator is us-central1 without a warning", async () => {
    const env = vertexEnv({ CLOUDSDK_AI_PLATFORM_REGION: 'global' });
    const created = await runCli(['ai-platform', 'models', 'create', 'env_init_model'], env);
    assert.equal(created.code, 0, created.stderr);
    const r = await versionsCreate('GA', 'v1', 'env_init_model', SKLEARN, env);
    assert.equal(r.code, 0, r.stderr);
    for (const stderr of [created.stderr, r.stderr]) assert.doesNotMatch(stderr, /global|legacy machine type/);
    await emulatorGet(`projects/${PROJECT}/locations/us-central1/endpoints/env-init-model`);
    // Typed on the command line, global is the user's choice: still named.
    const typed = await versionsCreate('GA', 'v2', 'env_init_model', [...SKLEARN, '--region=global', '--dry-run'], env);
    assert.equal(typed.code, 0, typed.stderr);
    expectWarningsOnce(typed.stderr, [/^WARNING: region: Vertex AI has no global endpoint; using us-central1 .*\(from --region\)$/]);
  });
});

describe('vertex-ai refusals: exit 1 before any request, in the pre-flight format', () => {
  const refused: [string, TrackName, string[], RegExp][] = [
    [
      'runtime below 1.15',
      'GA',
      ['--origin=gs://models/sklearn/', '--runtime-version=1.14'],
      /runtimeVersion: runtime 1\.14 has no Vertex AI prebuilt container .*\(from --runtime-version\)$/m,
    ],
    [
      'Python 2.7',
      'GA',
      ['--origin=gs://models/sklearn/', '--runtime-version=1.15', '--python-version=2.7', '--framework=scikit-learn'],
      /pythonVersion: Python 2\.7 has no Vertex AI prebuilt container .*\(from --python-version\)$/m,
    ],
    [
      'custom prediction routines',
      'BETA',
      [
        '--origin=gs://models/sklearn/',
        '--runtime-version=2.11',
        '--prediction-class=pkg.Predictor',
        '--package-uris=gs://models/p.tar.gz',
      ],
      /predictionClass: custom prediction routines need a serving container on Vertex AI; build one \(see https:\/\/cloud\.google\.com\/vertex-ai\/docs\/predictions\/migrate-cpr\) and deploy it with --image \(from --prediction-class\)$/m,
    ],
    [
      'K80 accelerators',
      'GA',
      [...SKLEARN.slice(0, 2), '--machine-type=n1-standard-4', '--accelerator=type=nvidia-tesla-k80,count=1'],
      /acceleratorConfig\.type: NVIDIA_TESLA_K80 has reached end of support on Vertex AI .*\(from --accelerator\)$/m,
    ],
    [
      'explanations without explanation_metadata.json',
      'BETA',
      [...LOCAL_TF, '--explanation-method=integrated-gradients'],
      /explanationConfig: Vertex AI needs the model's inputs and outputs: no explanation_metadata\.json in .*tf-saved-model \(from --explanation-method\)$/m,
    ],
    ['the name default', 'GA', SKLEARN, /name: 'default' is reserved by Vertex AI for the model's default version \(from VERSION\)$/m],
  ];
  for (const [what, track, flags, message] of refused) {
    test(what, async () => {
      emulator().clearRequests();
      const version = what === 'the name default' ? 'default' : 'vr';
      const r = await versionsCreate(track, version, 'refused_model', flags);
      assert.equal(r.code, 1, r.stderr);
      const command = track === 'GA' ? 'gcloud.ai-platform.versions.create' : `gcloud.${track.toLowerCase()}.ai-platform.versions.create`;
      assert.match(r.stderr, new RegExp(`^ERROR: \\(${command.replace(/\./g, '\\.')}\\) `, 'm'));
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
      assert.deepEqual(emulator().requests().map(describeRequest), [], 'no request of any kind');
    });
  }

  test('an alias another version holds: refused after reading, before any change', async () => {
    const first = await versionsCreate('GA', 'v1', 'alias_model', SKLEARN);
    assert.equal(first.code, 0, first.stderr);
    emulator().clearRequests();
    const r = await versionsCreate('GA', 'V1', 'alias_model', SKLEARN);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /name: version 'V1' would take the Vertex AI alias 'v1', which version 'v1' of this model already has/);
    assert.deepEqual(changes(emulator().requests()).map(describeRequest), []);
  });

  test('the same version name twice: ALREADY_EXISTS, as on ai-platform, with nothing changed', async () => {
    emulator().clearRequests();
    const r = await versionsCreate('GA', 'v1', 'alias_model', SKLEARN);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ALREADY_EXISTS: Field: version\.name Error: A version with the same name already exists\./);
    assert.deepEqual(changes(emulator().requests()).map(describeRequest), []);
  });
});

describe('vertex-ai partial failure: uploaded, not deployed', () => {
  const BROKEN = ['--origin=gs://models/broken/', '--runtime-version=2.11', '--framework=scikit-learn'];

  test('fails naming the registry version; a re-run deploys it without uploading again', async () => {
    emulator().clearRequests();
    const failed = await versionsCreate('GA', 'v1', 'partial_model', BROKEN);
    assert.equal(failed.code, 1, failed.stderr);
    const registry =
      /uploaded to the Vertex AI Model Registry as \[(projects\/\d{12}\/locations\/us-central1\/models\/partial_model@1)\] but not deployed/.exec(
        failed.stderr,
      )?.[1];
    assert.ok(registry, failed.stderr);
    assert.match(failed.stderr, /Run the same command again to deploy it \(it is not uploaded again\)\./);
    assert.equal(changes(vertexRequests()).filter((r) => r.path.endsWith('models:upload')).length, 1);

    // The model file the scikit-learn container loads arrives; the same command line runs again.
    await putObject(emulator().url, 'models', 'broken/model.joblib');
    emulator().clearRequests();
    const rerun = await versionsCreate('GA', 'v1', 'partial_model', [...BROKEN, '--format=value(name,state,isDefault)']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(rerun.stdout, `projects/${PROJECT}/models/partial_model/versions/v1\tREADY\tTrue\n`);
    assert.match(
      rerun.stderr,
      /is already in the Vertex AI Model Registry as \[projects\/\d{12}\/locations\/us-central1\/models\/partial_model@1\]/,
    );
    const sent = changes(vertexRequests());
    assert.deepEqual(
      sent.map(describeRequest),
      [`POST /v1/projects/${PROJECT}/locations/us-central1/endpoints/partial-model:deployModel`],
      'no second upload',
    );
    assert.equal(
      (sent[0].body as { deployedModel: { model: string } }).deployedModel.model,
      `projects/${PROJECT}/locations/us-central1/models/partial_model@1`,
    );
  });
});

describe('vertex-ai partial failure with a local origin', () => {
  test('a re-run names the staging folder before staging, finds its registry version, uploads nothing again', async () => {
    // The deploy is refused while the registry upload goes through: uploaded, not deployed.
    emulator().setFaults('seed=1,503=1,match=deployModel$,retry-after=0');
    let failed: RunResult;
    try {
      failed = await versionsCreate('GA', 'v1', 'local_partial', LOCAL_TF);
    } finally {
      emulator().setFaults(undefined);
    }
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(
      failed.stderr,
      /uploaded to the Vertex AI Model Registry as \[projects\/\d{12}\/locations\/us-central1\/models\/local_partial@1\]/,
    );

    emulator().clearRequests();
    const rerun = await versionsCreate('GA', 'v1', 'local_partial', [...LOCAL_TF, '--format=value(deploymentUri)']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(
      rerun.stderr,
      /is already in the Vertex AI Model Registry as \[projects\/\d{12}\/locations\/us-central1\/models\/local_partial@1\]/,
    );
    const sent = changes(emulator().requests()).map(describeRequest);
    assert.deepEqual(
      sent.filter((r) => !r.startsWith('POST /resumable/') && !r.startsWith('POST /upload/')),
      [`POST /v1/projects/${PROJECT}/locations/us-central1/endpoints/local-partial:deployModel`],
      'no second registry upload',
    );
    assert.equal(sent.length, 1, 'every staged object was there already: nothing uploaded again');
    assert.match(rerun.stdout, new RegExp(`^gs://${STAGING}/[0-9a-f]{64}/\n$`));
  });
});

describe('vertex-ai: the MLflow step', () => {
  test('tags the registry version (projects/N/locations/R/models/ID@<versionId>) and the deploy operation', async () => {
    const tracking = emulator().url.replace(/\/$/, '');
    const r = await versionsCreate(
      'GA',
      'v1',
      'mlflow_model',
      [...SKLEARN, '--mlflow-model=vertex-registry', '--format=json'],
      vertexEnv({ MLFLOW_TRACKING_URI: tracking }),
    );
    assert.equal(r.code, 0, r.stderr);
    const version = JSON.parse(r.stdout) as Version;
    const res = await fetch(`${tracking}/api/2.0/mlflow/model-versions/get?name=vertex-registry&version=1`);
    assert.equal(res.status, 200);
    const { model_version: registered } = (await res.json()) as {
      model_version: { source: string; tags: { key: string; value: string }[] };
    };
    assert.equal(registered.source, version.deploymentUri);
    const tags = Object.fromEntries(registered.tags.map((t) => [t.key, t.value]));
    assert.match(tags['ai-platform.version'], /^projects\/\d{12}\/locations\/us-central1\/models\/mlflow_model@1$/);
    assert.match(tags['ai-platform.operation'], /^projects\/\d{12}\/locations\/us-central1\/endpoints\/mlflow-model\/operations\/\d+$/);
  });
});

describe('vertex-ai: the local origin is staged as on ai-platform', () => {
  test('the staged objects are the fixture files, under the sha256 prefix the version names', async () => {
    const r = await versionsCreate('GA', 'v1', 'staged_model', [...LOCAL_TF, '--format=value(deploymentUri)']);
    assert.equal(r.code, 0, r.stderr);
    const prefix = r.stdout.trim().slice(`gs://${STAGING}/`.length, -1);
    const list = (await (await fetch(`${emulator().url}storage/v1/b/${STAGING}/o?prefix=${prefix}/`)).json()) as {
      items: { name: string }[];
    };
    const staged = list.items.map((o) => o.name.slice(prefix.length + 1)).sort();
    const local = (fs.readdirSync(TF_MODEL, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((d) => d.isFile())
      .map((d) => path.relative(TF_MODEL, path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)))
      .sort();
    assert.deepEqual(staged, local);
  });
});

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING the gcloud ai read-back of gcloud-aip deployments: `gcloud` is not on PATH ***\n\n');

describe('the real gcloud ai reads what gcloud-aip made', { skip: !HAVE_GCLOUD && 'gcloud is not installed' }, () => {
  async function gcloud(...args: string[]): Promise<string> {
    const r = await runCommand('gcloud', [...args, '--region=us-central1', '--format=json'], vertexEnv(), home.dir);
    assert.equal(r.code, 0, `gcloud ${args.join(' ')}\n${r.stderr}`);
    return r.stdout;
  }

  test('models describe, models list-version, endpoints describe', async () => {
    // iris_ga: two versions deployed by the GA tests above.
    const model = JSON.parse(await gcloud('ai', 'models', 'describe', 'iris_ga')) as {
      name: string;
      versionAliases: string[];
      displayName: string;
    };
    assert.match(model.name, /^projects\/\d{12}\/locations\/us-central1\/models\/iris_ga$/);
    assert.equal(model.displayName, 'iris_ga');
    assert.deepEqual([...model.versionAliases].sort(), ['default', 'v1']);
    const versions = JSON.parse(await gcloud('ai', 'models', 'list-version', 'iris_ga')) as {
      versionId: string;
      versionAliases: string[];
    }[];
    assert.deepEqual(
      versions.map((v) => [v.versionId, [...v.versionAliases].sort()]),
      [
        ['1', ['default', 'v1']],
        ['2', ['v2']],
      ],
    );
    const endpoint = JSON.parse(await gcloud('ai', 'endpoints', 'describe', 'iris-ga')) as Endpoint;
    assert.deepEqual(endpoint.deployedModels?.map((dm) => [dm.displayName, dm.modelVersionId]).sort(), [
      ['v1', '1'],
      ['v2', '2'],
    ]);
    const v1 = endpoint.deployedModels?.find((dm) => dm.displayName === 'v1');
    assert.equal(endpoint.trafficSplit?.[v1!.id], 100);
  });
});
