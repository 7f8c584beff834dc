// The README's whole deploy script (scripts/deploy.sh: models create → versions create --async →
// operations wait → versions set-default → versions list → versions delete of the old one) run
// twice against the emulator — first deploy, then a replacement — with gcloud-aip, and, where it
// is installed, with the real gcloud: both must succeed, send the same requests and print the same.
// Then the same script, unchanged, on the Vertex AI target (GCLOUD_AIP_TARGET=vertex-ai, issue 25):
// it must print what it printed on AI Platform.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type RecordedRequest, type RunningEmulator } from '../../src/emulator';
import { CLI, emulatorEnv, gcloudAvailable, ROOT, runCommand, scratch } from '../support/cli';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING the deploy script with the real gcloud: `gcloud` is not on PATH ***\n\n');

const SCRIPT = path.join(ROOT, 'scripts', 'deploy.sh');
const BUCKET = 'deploy-models';

interface Deployment {
  codes: number[];
  stdout: string;
  stderr: string;
  requests: { method: string; path: string; query: unknown; body: unknown; status: number }[];
}

/** Ids, times and etags the server makes up differ between runs; the project is per run. */
function normalize(text: string, project: string): string {
  return text
    .split(project)
    .join('<PROJECT>')
    .replace(/-\d{13}\b/g, '-<TIME>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<TIMESTAMP>')
    .replace(/etag: \S+|"etag":"[^"]*"/g, '<ETAG>');
}

function summarize(requests: RecordedRequest[], project: string): Deployment['requests'] {
  return requests
    .filter((r) => r.path.startsWith('/v1/') || r.path.startsWith('/v1beta1/'))
    .map((r) =>
      JSON.parse(normalize(JSON.stringify({ method: r.method, path: r.path, query: r.query, body: r.body, status: r.status }), project)),
    );
}

/** `extra`: more environment (the target). The region is `global`, as `emulators ai-platform env-init` exports it. */
async function deployTwice(emulator: RunningEmulator, gcloud: string, extra: NodeJS.ProcessEnv = {}): Promise<Deployment> {
  const s = scratch();
  const project = `deploy-${Math.random().toString(36).slice(2, 8)}`;
  const env = {
    ...s.env,
    ...emulatorEnv(emulator.port),
    CLOUDSDK_CORE_PROJECT: project,
    CLOUDSDK_AI_PLATFORM_REGION: 'global',
    GCLOUD: gcloud,
    MODEL: 'iris',
    ...extra,
  };
  const result: Deployment = { codes: [], stdout: '', stderr: '', requests: [] };
  emulator.clearRequests();
  for (const version of ['v1', 'v2']) {
    const run = await runCommand('bash', [SCRIPT], { ...env, VERSION: version, ORIGIN: `gs://${BUCKET}/iris/${version}/` }, s.dir, 120_000);
    assert.equal(run.code, 0, `deploy of ${version} with ${gcloud} failed:\n${run.stderr}`);
    result.codes.push(run.code);
    result.stdout += normalize(run.stdout, project);
    result.stderr += normalize(run.stderr, project);
  }
  result.requests = summarize(emulator.requests(), project);
  fs.rmSync(s.dir, { recursive: true, force: true });
  return result;
}

describe('a whole deploy script against the emulator', () => {
  let emulator: RunningEmulator;
  let clone: Deployment;
  before(async () => {
    emulator = await startEmulator({ port: 0, operationDelayMs: 0, buckets: [BUCKET] });
    // The versions' model files, so their creation succeeds.
    for (const version of ['v1', 'v2']) {
      const res = await fetch(`${emulator.url}upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=iris/${version}/saved_model.pb`, {
        method: 'POST',
        body: 'model',
      });
      assert.equal(res.status, 200);
    }
    clone = await deployTwice(emulator, `${process.execPath} ${CLI}`);
  });
  after(async () => {
    await emulator?.close();
  });

  test('gcloud-aip deploys, replaces the default and cleans up', () => {
    assert.deepEqual(
      clone.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      [
        'GET /v1/projects/<PROJECT>/models/iris 404',
        'POST /v1/projects/<PROJECT>/models 200',
        'POST /v1/projects/<PROJECT>/models/iris/versions 200',
        'GET /v1/projects/<PROJECT>/operations/create_iris_v1-<TIME> 200',
        'POST /v1/projects/<PROJECT>/models/iris/versions/v1:setDefault 200',
        'GET /v1/projects/<PROJECT>/models/iris/versions 200',
        'GET /v1/projects/<PROJECT>/models/iris/versions 200',
        'GET /v1/projects/<PROJECT>/models 200',
        // The second deploy: the model exists; v2 replaces v1.
        'GET /v1/projects/<PROJECT>/models/iris 200',
        'POST /v1/projects/<PROJECT>/models/iris/versions 200',
        'GET /v1/projects/<PROJECT>/operations/create_iris_v2-<TIME> 200',
        'POST /v1/projects/<PROJECT>/models/iris/versions/v2:setDefault 200',
        'GET /v1/projects/<PROJECT>/models/iris/versions 200',
        'GET /v1/projects/<PROJECT>/models/iris/versions 200',
        'DELETE /v1/projects/<PROJECT>/models/iris/versions/v1 200',
        'GET /v1/projects/<PROJECT>/models 200',
      ],
    );
    assert.deepEqual(clone.requests[1].body, {
      name: 'iris',
      regions: ['us-central1'],
      onlinePredictionLogging: true,
      onlinePredictionConsoleLogging: false,
    });
    assert.deepEqual(clone.requests[5].query, { pageSize: ['100'], alt: ['json'] });
    assert.equal(
      clone.stdout,
      [
        'projects/<PROJECT>/models/iris/versions/v1\tREADY\tTrue',
        'NAME  DEPLOYMENT_URI               STATE',
        `v1    gs://${BUCKET}/iris/v1/  READY`,
        'NAME  DEFAULT_VERSION_NAME',
        'iris  v1',
        'projects/<PROJECT>/models/iris/versions/v2\tREADY\tTrue',
        'NAME  DEPLOYMENT_URI               STATE',
        `v1    gs://${BUCKET}/iris/v1/  READY`,
        `v2    gs://${BUCKET}/iris/v2/  READY`,
        'NAME  DEFAULT_VERSION_NAME',
        'iris  v2',
        '',
      ].join('\n'),
    );
  });

  test('the real gcloud runs the same script with the same requests and output', {
    skip: HAVE_GCLOUD ? false : 'gcloud is not installed',
  }, async () => {
    const gcloud = await deployTwice(emulator, 'gcloud');
    assert.deepEqual(clone.requests, gcloud.requests);
    assert.equal(clone.stdout, gcloud.stdout);
  });

  test('the same script on the Vertex AI target prints what it printed on AI Platform', async () => {
    const vertex = await deployTwice(emulator, `${process.execPath} ${CLI}`, { GCLOUD_AIP_TARGET: 'vertex-ai' });
    assert.equal(vertex.stdout, clone.stdout);
    // Only Vertex AI was asked (no ml v1 request), and what changed is the deployment of two
    // versions, the default moved to the second, and the first undeployed and deleted.
    assert.deepEqual(
      vertex.requests.filter((r) => !r.path.includes('/locations/')),
      [],
    );
    const L = '/projects/<PROJECT>/locations/us-central1';
    assert.deepEqual(
      vertex.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/^\/v1(beta1)?/, '')} ${r.status}`),
      [
        `POST ${L}/endpoints 200`,
        `POST ${L}/models:upload 200`,
        `POST ${L}/endpoints/iris:deployModel 200`,
        `PATCH ${L}/endpoints/iris 200`, // set-default: the registry gave the first version `default` already
        // The second deploy: v2 beside v1 at 0% traffic, made the default, v1 removed.
        `POST ${L}/models:upload 200`,
        `POST ${L}/endpoints/iris:deployModel 200`,
        `PATCH ${L}/endpoints/iris 200`,
        `POST ${L}/models/iris@2:mergeVersionAliases 200`,
        `POST ${L}/endpoints/iris:undeployModel 200`,
        `DELETE ${L}/models/iris@1:deleteVersion 200`,
      ],
    );
    // env-init's region (global) is not the user's: no warning about it, or about the legacy
    // machine type AI Platform's global endpoint would have used.
    assert.doesNotMatch(vertex.stderr, /no global endpoint|legacy machine type/);
    assert.match(vertex.stderr, /Uploaded version \[v2\] to the Vertex AI Model Registry/);
  });
});
