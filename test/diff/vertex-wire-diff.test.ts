// Differential wire tests for the Vertex AI target (issue 25 item 7): for the same deployment,
// gcloud-aip's `ai-platform models create` + `versions create` (GCLOUD_AIP_TARGET=vertex-ai) send the
// same endpoints.create, models.upload and endpoints.deployModel requests — method, API version,
// path, query and body — as the real `gcloud ai endpoints create`, `gcloud ai models upload` and
// `gcloud ai endpoints deploy-model` given the equivalent flags, both recorded by the emulator.
// What gcloud-aip decides by itself is given to gcloud as flags (CONVENTIONS); what may differ on
// the wire is listed once, in DOCUMENTED_DIFFERENCES; each with its reason. Skipped — loudly —
// without gcloud.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { RecordedRequest, RunningEmulator } from '../../src/emulator';
import { emulatorEnv, gcloudAvailable, runCli, runCommand, scratch, type RunResult } from '../support/cli';
import { runProject } from '../support/differential';
import { suiteEmulator } from '../support/emulator';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING the Vertex AI wire differential tests: `gcloud` is not on PATH ***\n\n');

const REGION = 'us-central1';
const SKLEARN_IMAGE = 'us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest';
const TF_CPU_IMAGE = 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-11:latest';
const TF_GPU_IMAGE = 'us-docker.pkg.dev/vertex-ai/prediction/tf2-gpu.2-11:latest';
const SERVER_IMAGE = 'us-central1-docker.pkg.dev/serving/iris-server:1';

/**
 * The model directory's explanation_metadata.json as AI Platform read it (snake_case, with the
 * `framework` key) and the same metadata as `gcloud ai models upload --explanation-metadata-file`
 * takes it (Vertex's camelCase, sent as is).
 */
const AIP_METADATA = {
  framework: 'tensorflow',
  inputs: { features: { input_tensor_name: 'dense_input', encoding: 'IDENTITY' } },
  outputs: { probabilities: { output_tensor_name: 'dense_2' } },
};
const VERTEX_METADATA = {
  inputs: { features: { inputTensorName: 'dense_input', encoding: 'IDENTITY' } },
  outputs: { probabilities: { outputTensorName: 'dense_2' } },
};

const emulator = suiteEmulator({ operationDelayMs: 0, buckets: ['models'] }, async (emu) => {
  await putObject(emu, 'sklearn/model.joblib', 'model');
  await putObject(emu, 'tf/saved_model.pb', 'model');
  await putObject(emu, 'tf/explanation_metadata.json', JSON.stringify(AIP_METADATA));
});

async function putObject(emu: RunningEmulator, name: string, body: string): Promise<void> {
  const res = await fetch(`${emu.url}upload/storage/v1/b/models/o?uploadType=media&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    body,
  });
  assert.equal(res.status, 200);
}

type Track = 'GA' | 'BETA' | 'ALPHA';
const TRACK_WORDS: Record<Track, string[]> = { GA: [], BETA: ['beta'], ALPHA: ['alpha'] };

/** One deployment, said both ways. */
interface WireCase {
  name: string;
  track: Track;
  /** `ai-platform models create iris` flags. */
  modelFlags?: string[];
  /** `ai-platform versions create v1 --model=iris` flags. */
  versionFlags: string[];
  /** `gcloud ai endpoints create` flags, besides CONVENTIONS.endpoint. */
  endpointFlags?: string[];
  /** `gcloud ai models upload` flags, besides CONVENTIONS.upload. */
  uploadFlags: string[];
  /** `gcloud ai endpoints deploy-model iris` flags, besides CONVENTIONS.deploy. */
  deployFlags?: string[];
  /** Files in gcloud-aip's working directory (a --config). */
  files?: Record<string, string>;
  /** How many versions are deployed with these flags (v1, v2, …); default 1. */
  versions?: number;
}

// ---------------------------------------------------------------------------------------------
// What gcloud-aip decides for an AI Platform model `iris` and its version `v1`, which a `gcloud ai`
// user decides with flags: gcloud is given these flags in every case.
// ---------------------------------------------------------------------------------------------
/** The n-th version (1, 2) of the model in `project`; `firstId`: the first one's deployed model id. */
interface Nth {
  n: number;
  project: string;
  firstId?: string;
}
const CONVENTIONS: Record<'endpoint' | 'upload' | 'deploy', { flags(v: Nth): string[]; why: string }> = {
  endpoint: {
    flags: () => ['--endpoint-id=iris', '--display-name=iris'],
    why: 'the AI Platform model is an endpoint under a deterministic id (one GET finds it), named exactly as the model',
  },
  upload: {
    flags: ({ n, project }) => [
      n === 1 ? '--model-id=iris' : `--parent-model=projects/${project}/locations/${REGION}/models/iris`,
      '--display-name=iris',
      `--version-aliases=v${n}`,
    ],
    why: "the registry model under a deterministic id (made by the first version, named as the AI Platform model; later ones name it as their parent); the version's name is its alias",
  },
  deploy: {
    flags: ({ n, firstId }) => [`--model=iris@${n}`, `--display-name=v${n}`, `--traffic-split=${n === 1 ? '0=100' : `0=0,${firstId}=100`}`],
    why: "the uploaded registry version by number, the deployed model named after the version, an explicit full split (AI Platform's default-version rule: a model's first version takes all traffic, a later one none); no --deployed-model-id: the service picks the id",
  },
};

// ---------------------------------------------------------------------------------------------
// The documented differences: the only ways gcloud-aip's requests may differ from gcloud's.
// Each is applied to gcloud-aip's side, so what is left must equal gcloud's requests exactly.
// ---------------------------------------------------------------------------------------------
// biome-ignore lint/suspicious/noExplicitAny: recorded JSON, read and edited by the differences below
type Json = any;
type Wire = { method: string; api: string; path: string; query: Record<string, string[]>; body: Json };

const byPath = (requests: Wire[], suffix: RegExp) => requests.filter((r) => suffix.test(r.path));

const DOCUMENTED_DIFFERENCES: { what: string; why: string; apply(requests: Wire[]): void }[] = [
  {
    what: 'marker labels (managed-by, aip-*) on the endpoint and on the registry version',
    why: "they keep what Vertex AI has no field for (the AI Platform names, runtime, framework, Python, logging flags) and tell gcloud-aip's resources apart; a user label may not take their keys",
    apply(requests) {
      for (const r of requests) {
        const holder = r.body.model ?? r.body;
        if (!holder.labels) continue;
        const markers = Object.keys(holder.labels).filter((k) => k === 'managed-by' || k.startsWith('aip-'));
        assert.equal(holder.labels['managed-by'], 'gcloud-aip', `${r.path}: no managed-by marker`);
        for (const key of markers) delete holder.labels[key];
        if (!Object.keys(holder.labels).length) delete holder.labels;
      }
    },
  },
  {
    what: 'v1: deployModel.disableContainerLogging is true unless the model asked for console logging',
    why: "AI Platform sent no container output to Cloud Logging unless `models create --enable-console-logging`; v1 sends it by default (gcloud: false unless --disable-container-logging), and it is billed. (v1beta1's enableContainerLogging is off by default on both: no difference there.)",
    apply(requests) {
      const endpoint = byPath(requests, /\/endpoints$/)[0];
      if (endpoint?.body.labels?.['aip-console-logging'] === 'true') return;
      for (const deploy of byPath(requests, /:deployModel$/).filter((r) => r.api === 'v1')) {
        assert.equal(deploy.body.deployedModel.disableContainerLogging, true);
        deploy.body.deployedModel.disableContainerLogging = false;
      }
    },
  },
];

// ---------------------------------------------------------------------------------------------

const isVertex = (r: RecordedRequest) => /^\/v1(beta1)?\/projects\/[^/]+\/locations\//.test(r.path);

/**
 * The requests that change something, in order, with the API version apart and the project named
 * <P>; `deployedIds` names the deployed model ids the service picked (at random) by their order.
 */
function changes(requests: RecordedRequest[], project: string, deployedIds: ReadonlyMap<string, string>): Wire[] {
  return requests
    .filter((r) => isVertex(r) && r.method !== 'GET')
    .map((r) => {
      const [, api, rest] = /^\/(v1(?:beta1)?)(\/.*)$/.exec(r.path)!;
      const text = JSON.stringify({ path: rest, query: r.query, body: r.body ?? null })
        .split(project)
        .join('<P>');
      const wire = { method: r.method, api, ...JSON.parse(text) } as Wire;
      const split = wire.body?.trafficSplit as Record<string, number> | undefined;
      if (split)
        wire.body.trafficSplit = Object.fromEntries(Object.entries(split).map(([id, share]) => [deployedIds.get(id) ?? id, share]));
      return wire;
    });
}

/**
 * How operations were polled: `GET <api> <the resource they belong to>/operations/<id>`, each kind
 * once (how many polls it took is timing). The project is its number there: the service's name.
 */
function polls(requests: RecordedRequest[]): string[] {
  const kinds = requests
    .filter((r) => isVertex(r) && r.method === 'GET' && r.path.includes('/operations/'))
    .map(
      (r) =>
        `GET ${r.path.replace(/\/operations\/[^/]+$/, '/operations/<id>').replace(/^\/(v1(?:beta1)?)\/projects\/\d+\//, '$1 projects/<N>/')}`,
    );
  return [...new Set(kinds)];
}

interface Recorded {
  changes: Wire[];
  polls: string[];
}
async function recorded(project: string): Promise<Recorded> {
  const requests = emulator().requests();
  const res = await fetch(`${emulator().url}v1/projects/${project}/locations/${REGION}/endpoints/iris`);
  assert.equal(res.status, 200);
  const endpoint = (await res.json()) as { deployedModels?: { id: string }[] };
  const deployedIds = new Map((endpoint.deployedModels ?? []).map((d, i) => [d.id, `<deployed ${i + 1}>`]));
  return { changes: changes(requests, project, deployedIds), polls: polls(requests) };
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<RunResult> {
  const result = await runCommand(command, args, env, cwd);
  assert.equal(result.code, 0, `${command} ${args.join(' ')}\n${result.stderr}`);
  return result;
}

async function gcloudAipRequests(c: WireCase): Promise<Recorded> {
  const s = scratch();
  const project = runProject();
  const env = { ...s.env, ...emulatorEnv(emulator().port), CLOUDSDK_CORE_PROJECT: project, GCLOUD_AIP_TARGET: 'vertex-ai' };
  const track = TRACK_WORDS[c.track];
  const region = `--region=${REGION}`;
  for (const [name, content] of Object.entries(c.files ?? {})) fs.writeFileSync(path.join(s.dir, name), content);
  emulator().clearRequests();
  try {
    const created = await runCli([...track, 'ai-platform', 'models', 'create', 'iris', region, ...(c.modelFlags ?? [])], env, s.dir);
    assert.equal(created.code, 0, created.stderr);
    for (let n = 1; n <= (c.versions ?? 1); n++) {
      const args = [...track, 'ai-platform', 'versions', 'create', `v${n}`, '--model=iris', region, ...c.versionFlags];
      const deployed = await runCli(args, env, s.dir);
      assert.equal(deployed.code, 0, deployed.stderr);
    }
    return await recorded(project);
  } finally {
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
}

async function gcloudRequests(c: WireCase): Promise<Recorded> {
  const s = scratch();
  const project = runProject();
  const env = { ...s.env, ...emulatorEnv(emulator().port), CLOUDSDK_CORE_PROJECT: project };
  const ai = [...TRACK_WORDS[c.track], 'ai'];
  const region = `--region=${REGION}`;
  fs.writeFileSync(path.join(s.dir, 'metadata.json'), JSON.stringify(VERTEX_METADATA));
  emulator().clearRequests();
  try {
    const first: Nth = { n: 1, project };
    await run(
      'gcloud',
      [...ai, 'endpoints', 'create', region, ...CONVENTIONS.endpoint.flags(first), ...(c.endpointFlags ?? [])],
      env,
      s.dir,
    );
    for (let n = 1; n <= (c.versions ?? 1); n++) {
      const nth = { ...first, n };
      await run('gcloud', [...ai, 'models', 'upload', region, ...CONVENTIONS.upload.flags(nth), ...c.uploadFlags], env, s.dir);
      const deploy = [...ai, 'endpoints', 'deploy-model', 'iris', region, ...CONVENTIONS.deploy.flags(nth), ...(c.deployFlags ?? [])];
      const deployed = await run('gcloud', deploy, env, s.dir);
      first.firstId ??= /Id of the deployed model: (\d+)\./.exec(deployed.stderr)?.[1];
    }
    return await recorded(project);
  } finally {
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
}

const SKLEARN = ['--origin=gs://models/sklearn/', '--runtime-version=2.11', '--framework=scikit-learn', '--python-version=3.7'];
const SKLEARN_UPLOAD = ['--artifact-uri=gs://models/sklearn/', `--container-image-uri=${SKLEARN_IMAGE}`];
const TF = ['--origin=gs://models/tf/', '--runtime-version=2.11', '--framework=tensorflow', '--python-version=3.7'];

/** The container flags of `versions create` and their `gcloud ai models upload` twins. */
const CONTAINER = [
  `--image=${SERVER_IMAGE}`,
  '--command=python,-m,server',
  '--args=--workers=2,--verbose',
  '--env-vars=MODEL_NAME=iris,LOG_LEVEL=debug',
  '--ports=8080',
  '--predict-route=/predict',
  '--health-route=/health',
];
const CONTAINER_UPLOAD = [
  `--container-image-uri=${SERVER_IMAGE}`,
  '--container-command=python,-m,server',
  '--container-args=--workers=2,--verbose',
  '--container-env-vars=MODEL_NAME=iris,LOG_LEVEL=debug',
  '--container-ports=8080',
  '--container-predict-route=/predict',
  '--container-health-route=/health',
];

const CASES: WireCase[] = [
  {
    name: 'a prebuilt scikit-learn container, defaults, two versions',
    track: 'GA',
    versions: 2,
    versionFlags: SKLEARN,
    uploadFlags: SKLEARN_UPLOAD,
  },
  {
    name: 'description, labels, access logging, machine type, autoscaling on CPU usage',
    track: 'GA',
    modelFlags: ['--description=Iris classifier', '--labels=team=ml,env=prod', '--enable-logging'],
    versionFlags: [
      ...TF,
      '--description=first cut',
      '--labels=team=ml,stage=canary',
      '--machine-type=n1-standard-4',
      '--min-nodes=2',
      '--max-nodes=5',
      '--metric-targets=cpu-usage=70',
    ],
    endpointFlags: ['--description=Iris classifier', '--labels=team=ml,env=prod'],
    uploadFlags: [
      '--artifact-uri=gs://models/tf/',
      `--container-image-uri=${TF_CPU_IMAGE}`,
      '--description=Iris classifier',
      '--version-description=first cut',
      '--labels=team=ml,stage=canary',
    ],
    deployFlags: [
      '--machine-type=n1-standard-4',
      '--min-replica-count=2',
      '--max-replica-count=5',
      '--autoscaling-metric-specs=cpu-usage=70',
      '--enable-access-logging',
    ],
  },
  {
    name: 'a custom container (the flags GA keeps hidden for this target)',
    track: 'GA',
    versionFlags: ['--origin=gs://models/sklearn/', ...CONTAINER],
    uploadFlags: ['--artifact-uri=gs://models/sklearn/', ...CONTAINER_UPLOAD],
  },
  {
    name: 'a custom container on two GPUs, manual scaling (--config), console and access logging',
    track: 'BETA',
    modelFlags: ['--enable-logging', '--enable-console-logging'],
    files: { 'version.yaml': 'manualScaling:\n  nodes: 2\n' },
    versionFlags: [
      '--origin=gs://models/sklearn/',
      '--config=version.yaml',
      ...CONTAINER,
      '--machine-type=n1-standard-8',
      '--accelerator=type=nvidia-tesla-t4,count=2',
    ],
    uploadFlags: ['--artifact-uri=gs://models/sklearn/', ...CONTAINER_UPLOAD],
    deployFlags: [
      '--machine-type=n1-standard-8',
      '--accelerator=type=nvidia-tesla-t4,count=2',
      '--min-replica-count=2',
      '--max-replica-count=2',
      '--enable-access-logging',
      '--enable-container-logging',
    ],
  },
  {
    name: 'a custom container autoscaling on GPU duty cycle and CPU usage',
    track: 'BETA',
    versionFlags: [
      '--origin=gs://models/sklearn/',
      ...CONTAINER,
      '--machine-type=n1-standard-4',
      '--min-nodes=1',
      '--max-nodes=3',
      '--metric-targets=gpu-duty-cycle=60,cpu-usage=80',
    ],
    uploadFlags: ['--artifact-uri=gs://models/sklearn/', ...CONTAINER_UPLOAD],
    deployFlags: [
      '--machine-type=n1-standard-4',
      '--min-replica-count=1',
      '--max-replica-count=3',
      '--autoscaling-metric-specs=gpu-duty-cycle=60,cpu-usage=80',
    ],
  },
  {
    name: 'a custom container, labels, service account, two versions',
    track: 'ALPHA',
    versions: 2,
    versionFlags: [
      '--origin=gs://models/sklearn/',
      ...CONTAINER,
      '--labels=team=ml',
      '--service-account=sa@example.iam.gserviceaccount.com',
    ],
    uploadFlags: ['--artifact-uri=gs://models/sklearn/', ...CONTAINER_UPLOAD, '--labels=team=ml'],
    deployFlags: ['--service-account=sa@example.iam.gserviceaccount.com'],
  },
  {
    name: 'integrated gradients, the prebuilt TensorFlow GPU container',
    track: 'BETA',
    versionFlags: [
      ...TF,
      '--explanation-method=integrated-gradients',
      '--num-integral-steps=25',
      '--machine-type=n1-standard-4',
      '--accelerator=type=nvidia-tesla-t4,count=1',
    ],
    uploadFlags: [
      '--artifact-uri=gs://models/tf/',
      `--container-image-uri=${TF_GPU_IMAGE}`,
      '--explanation-method=integrated-gradients',
      '--explanation-step-count=25',
      '--explanation-metadata-file=metadata.json',
    ],
    deployFlags: ['--machine-type=n1-standard-4', '--accelerator=type=nvidia-tesla-t4,count=1'],
  },
  {
    name: 'XRAI with the default step count',
    track: 'BETA',
    versionFlags: [...TF, '--explanation-method=xrai'],
    uploadFlags: [
      '--artifact-uri=gs://models/tf/',
      `--container-image-uri=${TF_CPU_IMAGE}`,
      '--explanation-method=xrai',
      '--explanation-step-count=50',
      '--explanation-metadata-file=metadata.json',
    ],
  },
  {
    name: 'sampled Shapley with a path count',
    track: 'ALPHA',
    versionFlags: [...TF, '--explanation-method=sampled-shapley', '--num-paths=10'],
    uploadFlags: [
      '--artifact-uri=gs://models/tf/',
      `--container-image-uri=${TF_CPU_IMAGE}`,
      '--explanation-method=sampled-shapley',
      '--explanation-path-count=10',
      '--explanation-metadata-file=metadata.json',
    ],
  },
];

for (const c of CASES) {
  test(`${c.track}: ${c.name}`, { skip: !HAVE_GCLOUD && 'gcloud is not installed' }, async () => {
    const ours = await gcloudAipRequests(c);
    const theirs = await gcloudRequests(c);
    for (const d of DOCUMENTED_DIFFERENCES) d.apply(ours.changes);
    assert.deepEqual(ours.changes, theirs.changes);
    assert.deepEqual(ours.polls, theirs.polls, 'operations polled alike');
  });
}
