// Differential tests: the real gcloud and gcloud-aip run the same GA commands against the same
// emulator; exit codes, ml API requests (method, path, query, body, auth) and staged objects must
// match. Skipped — loudly — where gcloud is not installed (CI machines have only Node).
import { describe } from 'node:test';
import * as path from 'node:path';
import type { RecordedRequest } from '../../src/emulator';
import { createBucket, createModel, FIXTURES, gcloudAvailable } from '../support/cli';
import { suiteEmulator } from '../support/emulator';
import { aiPlatformArgs, type DiffRun, testEachAgainstGcloud } from '../support/differential';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) {
  process.stderr.write('\n*** SKIPPING differential tests: the real `gcloud` is not on PATH ***\n\n');
}

interface Observed {
  code: number;
  ml: unknown[];
  objects: unknown[];
}

const HEX = /[0-9a-f]{64}/g;

function summarize(requests: RecordedRequest[], code: number): Observed {
  const ml = requests
    .filter((r) => r.path.startsWith('/v1/'))
    .map((r) => ({
      method: r.method,
      path: r.path,
      query: r.query,
      auth: r.headers.authorization,
      quota: r.headers['x-goog-user-project'],
      body: JSON.parse(JSON.stringify(r.body ?? null).replace(HEX, '<SHA256>')),
      status: r.status,
    }))
    // Operation ids end in the creation time.
    .map((r) => ({ ...r, path: r.path.replace(/-\d{13}$/, '-<TIME>') }));
  return { code, ml, objects: [] };
}

async function listObjects(port: number, bucket: string): Promise<unknown[]> {
  const res = await fetch(`http://127.0.0.1:${port}/storage/v1/b/${bucket}/o`);
  if (!res.ok) return [];
  const body = (await res.json()) as { items?: { name: string; contentType: string; size: string; md5Hash: string }[] };
  return (body.items ?? [])
    .map((o) => ({ name: o.name.replace(HEX, '<SHA256>'), contentType: o.contentType, size: o.size, md5Hash: o.md5Hash }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** v1 of m1 from a gs:// origin, without waiting for the operation. */
const ASYNC_V1 = ['v1', '--model', 'm1', '--origin', 'gs://f/', '--async'];

const CASES: { name: string; args: string[]; env?: NodeJS.ProcessEnv; region?: string; files?: Record<string, string> }[] = [
  { name: 'gs origin, wait', args: ['v1', '--model', 'm1', '--origin', 'gs://fixture/iris/'] },
  {
    name: 'gs origin, async, all GA value flags',
    args: [
      'v1',
      '--model',
      'm1',
      '--origin',
      'gs://fixture/iris/',
      '--async',
      '--runtime-version',
      '2.11',
      '--python-version',
      '3.7',
      '--framework',
      'scikit-learn',
      '--machine-type',
      'mls1-c1-m2',
      '--description',
      'Modèle — "quoted"',
      '--labels',
      'a=1,b=2',
      '--labels',
      'c=3',
    ],
  },
  {
    name: 'autoscaling flags',
    args: [...ASYNC_V1, '--min-nodes', '2', '--max-nodes', '5', '--metric-targets', 'gpu-duty-cycle=70,cpu-usage=60'],
  },
  {
    name: 'accelerator',
    args: [...ASYNC_V1, '--machine-type', 'n1-standard-4', '--accelerator', 'type=nvidia-tesla-t4,count=2'],
    region: 'us-central1',
  },
  {
    name: 'local origin upload',
    args: ['v1', '--model', 'm1', '--origin', path.join(FIXTURES, 'models', 'tf-saved-model'), '--staging-bucket', 'gs://{BUCKET}'],
  },
  {
    name: 'config file',
    args: [
      'v1',
      '--model',
      'm1',
      '--config',
      path.join(FIXTURES, 'config', 'manual-scaling.yaml'),
      '--description',
      'flag wins',
      '--async',
    ],
  },
  { name: 'flags file', args: ['v1', '--flags-file', path.join(FIXTURES, 'flags-files', 'deploy.yaml'), '--async'] },
  { name: 'full model resource name', args: ['v1', '--model', 'projects/{PROJECT}-other/models/m1', '--origin', 'gs://f/', '--async'] },
  { name: 'billing project', args: [...ASYNC_V1, '--billing-project', 'payer'] },
  { name: 'missing model: 404', args: ['v1', '--model', 'nope', '--origin', 'gs://f/'] },
  { name: 'unknown flag', args: ['v1', '--model', 'm1', '--origin', 'gs://f/', '--bogus'] },
  { name: 'missing version', args: ['--model', 'm1'] },
  { name: 'bad label', args: ['v1', '--model', 'm1', '--origin', 'gs://f/', '--labels', 'A=b'] },
  { name: 'accelerator count zero', args: ['v1', '--model', 'm1', '--origin', 'gs://f/', '--accelerator', 'type=nvidia-tesla-t4,count=0'] },
  { name: 'local origin without bucket', args: ['v1', '--model', 'm1', '--origin', 'nope'] },
  {
    name: 'beta: container flags',
    args: [
      'beta',
      'v1',
      '--model',
      'm1',
      '--image',
      'us-central1-docker.pkg.dev/p/r/s:1',
      '--machine-type',
      'n1-standard-2',
      '--command',
      'python,-m',
      '--command',
      'server',
      '--args=--port=8080',
      '--env-vars',
      'A=1,B=2',
      '--ports',
      '8080',
      '--predict-route',
      '/p',
      '--health-route',
      '/h',
      '--async',
    ],
    region: 'us-central1',
  },
  {
    name: 'beta: explanations and user code',
    args: [
      'beta',
      ...ASYNC_V1,
      '--explanation-method',
      'xrai',
      '--num-integral-steps',
      '7',
      '--package-uris',
      'gs://p/a.tar.gz',
      '--package-uris',
      'gs://p/b.tar.gz',
      '--prediction-class',
      'm.P',
      '--service-account',
      'sa@p.iam',
    ],
  },
  {
    name: 'alpha: sampled shapley',
    args: ['alpha', ...ASYNC_V1, '--explanation-method', 'sampled-shapley', '--num-paths', '9'],
  },
  { name: 'alpha: no origin, no image', args: ['alpha', 'v1', '--model', 'm1'] },
  { name: 'beta: port out of range', args: ['beta', 'v1', '--model', 'm1', '--image', 'i', '--ports', '70000'] },
  { name: 'config with bad fields', args: ['v1', '--model', 'm1', '--config', path.join(FIXTURES, 'config', 'disallowed-fields.yaml')] },
];

/** Each run stages into a bucket of its own project. */
const bucketOf = (run: DiffRun) => `staging-${run.project}`;

describe('gcloud vs gcloud-aip on the emulator', { skip: HAVE_GCLOUD ? false : 'gcloud is not installed' }, () => {
  const suite = suiteEmulator({ port: 0, operationDelayMs: 0 });
  testEachAgainstGcloud(CASES, suite, (c, emulator) => ({
    // A fresh model per run so both see the same server state.
    prepare: async (run) => {
      await createModel(emulator.port, run.project, 'm1');
      await createModel(emulator.port, `${run.project}-other`, 'm1');
      await createBucket(emulator.port, run.project, bucketOf(run));
      const args = c.args.map((a) => a.replace('{PROJECT}', run.project).replace('{BUCKET}', bucketOf(run)));
      return aiPlatformArgs(args, 'versions', 'create');
    },
    observe: async (run, result) => {
      const summary = summarize(emulator.requests(), result.code);
      summary.ml = JSON.parse(JSON.stringify(summary.ml).split(run.project).join('<PROJECT>'));
      summary.objects = await listObjects(emulator.port, bucketOf(run));
      summary.ml = JSON.parse(JSON.stringify(summary.ml).split(bucketOf(run)).join('<BUCKET>'));
      return summary;
    },
  }));
});
