// The documented rules of the Model and Version resources and of the custom-container guide, as the
// emulator's ml service enforces them: table-driven, each request sent to the global endpoint or to
// a regional one (`REGION-ml.localhost`, by its Host header), each refusal checked for the service's
// status and `Field: … Error: …` text. The same rules are checked before upload by the CLI
// (test/unit/version-schema.test.ts, test/e2e/first-minutes.test.ts).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { ML_NAME_ERROR } from '../../src/domain';

interface Answer {
  status: number;
  body: { name?: string; error?: { status: string; message: string; details?: unknown[] } };
}

function send(emu: RunningEmulator, region: string, path: string, body: unknown): Promise<Answer> {
  const url = new URL(path, emu.url);
  const host = region === 'global' ? `ml.localhost:${url.port}` : `${region}-ml.localhost:${url.port}`;
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: 'POST', path: url.pathname, headers: { host, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const IMAGE = 'us-central1-docker.pkg.dev/p/repo/server:1';
const N1 = 'n1-standard-2';
/** Unique names: every accepted row creates a resource. */
let serial = 0;
const fresh = (prefix: string) => `${prefix}${++serial}`;

interface Row {
  rule: string;
  region: string;
  body: Record<string, unknown>;
  /** undefined: accepted; otherwise the exact error message of the 400. */
  error?: string;
}

const MODEL_ROWS: Row[] = [
  { rule: 'letters, digits, underscores', region: 'global', body: { name: 'Iris_2' } },
  { rule: 'a hyphen', region: 'global', body: { name: 'my-model' }, error: `Field: model.name Error: ${ML_NAME_ERROR}` },
  { rule: 'a leading digit', region: 'global', body: { name: '1model' }, error: `Field: model.name Error: ${ML_NAME_ERROR}` },
  { rule: 'a leading underscore', region: 'us-central1', body: { name: '_m' }, error: `Field: model.name Error: ${ML_NAME_ERROR}` },
  { rule: '128 characters', region: 'global', body: { name: `m${'x'.repeat(127)}` } },
  {
    rule: '129 characters',
    region: 'global',
    body: { name: `m${'x'.repeat(128)}` },
    error: 'Field: model.name Error: A name should be no more than 128 characters long (this one has 129).',
  },
  {
    rule: 'two regions',
    region: 'global',
    body: { name: 'm2', regions: ['us-east1', 'us-west1'] },
    error: 'Field: model.regions Error: Currently only one region per model is supported.',
  },
  { rule: 'console logging on the global endpoint', region: 'global', body: { name: fresh('m'), onlinePredictionConsoleLogging: true } },
  {
    rule: 'console logging on a regional endpoint',
    region: 'europe-west4',
    body: { name: 'm3', onlinePredictionConsoleLogging: true },
    error:
      'Field: model.online_prediction_console_logging Error: console logging (stream logging) is not available on regional endpoints (region europe-west4)',
  },
];

const version = (extra: Record<string, unknown>) => ({ deploymentUri: 'gs://models/iris/', ...extra });
const container = (extra: Record<string, unknown> = {}) => ({ container: { image: IMAGE }, machineType: N1, ...extra });
const forbidden = (field: string) => `Field: version.${field} Error: must not be set with a custom container (container is set)`;

const VERSION_ROWS: Row[] = [
  { rule: 'a plain version', region: 'global', body: version({ name: 'v1', runtimeVersion: '2.11', pythonVersion: '3.7' }) },
  { rule: 'a hyphenated name', region: 'global', body: version({ name: '1-bad' }), error: `Field: version.name Error: ${ML_NAME_ERROR}` },
  { rule: 'a dotted name', region: 'global', body: version({ name: 'v1.2' }), error: `Field: version.name Error: ${ML_NAME_ERROR}` },
  ...['2.1l', 'latest'].map((runtimeVersion) => ({
    rule: `runtimeVersion ${runtimeVersion}`,
    region: 'global',
    body: version({ name: 'v', runtimeVersion }),
    error: `Field: version.runtimeVersion Error: '${runtimeVersion}' is not a runtime version: the format is major_version.minor_version, e.g. 2.11`,
  })),
  {
    rule: 'runtimeVersion 21.1',
    region: 'global',
    body: version({ name: 'v', runtimeVersion: '21.1' }),
    error:
      "Field: version.runtimeVersion Error: '21.1' is not in the runtime version list (1.0 to 1.15, 2.1 to 2.11; https://cloud.google.com/ai-platform/prediction/docs/runtime-version-list)",
  },
  {
    rule: 'pythonVersion 3.77',
    region: 'global',
    body: version({ name: 'v', pythonVersion: '3.77' }),
    error: "Field: version.pythonVersion Error: '3.77' is not an available Python version (3.7, 3.5, 2.7)",
  },
  { rule: 'a custom container on a regional endpoint', region: 'us-central1', body: container({ name: fresh('c') }) },
  {
    rule: 'a custom container on the global endpoint',
    region: 'global',
    body: container({ name: 'c' }),
    error: [
      "Field: version.container Error: a custom container needs a regional endpoint (REGION-ml.googleapis.com: gcloud's --region); this request is for the global endpoint",
      "Field: version.machineType Error: a Compute Engine (N1) machine type needs a regional endpoint (REGION-ml.googleapis.com: gcloud's --region); this request is for the global endpoint",
    ].join('\n'),
  },
  {
    rule: 'a custom container with the default machine type',
    region: 'us-central1',
    body: { name: 'c', container: { image: IMAGE } },
    error:
      'Field: version.machineType Error: a custom container needs a Compute Engine (N1) machineType, e.g. n1-standard-2 (machineType is unset)',
  },
  {
    rule: 'a custom container of another region',
    region: 'europe-west4',
    body: container({ name: 'c' }),
    error: `Field: version.container.image Error: must be an Artifact Registry image of the endpoint's region, europe-west4-docker.pkg.dev/… (image is ${IMAGE})`,
  },
  ...['runtimeVersion', 'framework', 'pythonVersion', 'packageUris'].map((field) => ({
    rule: `${field} beside a container`,
    region: 'us-central1',
    body: container({
      name: 'c',
      [field]: { runtimeVersion: '2.11', framework: 'TENSORFLOW', pythonVersion: '3.7', packageUris: ['gs://b/p.tar.gz'] }[field],
    }),
    error: forbidden(field),
  })),
  {
    rule: 'predictionClass beside a container',
    region: 'us-central1',
    body: container({ name: 'c', predictionClass: 'p.C' }),
    error: [
      'Field: version.predictionClass Error: requires a legacy (MLS1) machineType (machineType is n1-standard-2)',
      forbidden('predictionClass'),
    ].join('\n'),
  },
  {
    rule: 'routes without a container',
    region: 'us-central1',
    body: version({ name: 'v', routes: { predict: '/p' } }),
    error: 'Field: version.routes Error: requires a custom container (container is not set)',
  },
  {
    rule: 'a legacy machine type on a regional endpoint',
    region: 'us-central1',
    body: version({ name: 'v', machineType: 'mls1-c1-m2' }),
    error: 'Field: version.machineType Error: legacy (MLS1) machine types are not available on regional endpoints (region us-central1)',
  },
  { rule: 'an N1 machine type on a regional endpoint', region: 'us-central1', body: version({ name: fresh('n'), machineType: N1 }) },
];

describe('emulator: the documented rules of models and versions, with the service’s errors', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ operationDelayMs: 0, buckets: ['models'] });
    assert.equal((await send(emu, 'global', '/v1/projects/p/models', { name: 'iris' })).status, 200);
  });
  after(() => emu.close());

  const check = async (path: string, row: Row) => {
    const answer = await send(emu, row.region, path, row.body);
    if (row.error === undefined) {
      assert.equal(answer.status, 200, `${row.rule}: ${JSON.stringify(answer.body)}`);
      return;
    }
    assert.equal(answer.status, 400, row.rule);
    assert.equal(answer.body.error?.status, 'INVALID_ARGUMENT', row.rule);
    assert.equal(answer.body.error?.message, row.error, row.rule);
  };

  test('models create: names', async () => {
    for (const row of MODEL_ROWS) await check('/v1/projects/p/models', row);
  });

  test('a refused model name carries the BadRequest detail', async () => {
    const answer = await send(emu, 'global', '/v1/projects/p/models', { name: 'my-model' });
    assert.deepEqual(answer.body.error?.details, [
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'model.name', description: ML_NAME_ERROR }] },
    ]);
  });

  test('versions create: names, runtime and Python versions, custom containers, endpoints', async () => {
    for (const row of VERSION_ROWS) await check('/v1/projects/p/models/iris/versions', row);
  });
});
