// The emulator's MLflow registry, in-process over real HTTP: both URL forms and their error
// shapes, the shared limits, opc-retry-token, PENDING_REGISTRATION → READY, persistence.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { readAnswer, type MlflowAnswer } from '../support/json';
import { tempDir } from '../support/temp';

const OSS = '/api/2.0/mlflow';
const OCI = '/20260430/aiDataPlatforms/ocid1.platform/mlops/api/2.0/mlflow';

async function call(emu: RunningEmulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(new URL(path, emu.url), {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await readAnswer<MlflowAnswer>(res) };
}

async function withEmulator(options: { registrationDelayMs: number; dataDir?: string }, use: (emu: RunningEmulator) => Promise<void>) {
  const emu = await startEmulator({ port: 0, ...options });
  try {
    await use(emu);
  } finally {
    await emu.close();
  }
}

describe('emulator MLflow registry', () => {
  test('open-source form: MLflow error bodies; a version needs its registered model', async () => {
    await withEmulator({ registrationDelayMs: 0 }, async (emu) => {
      const missing = await call(emu, 'POST', `${OSS}/model-versions/create`, { name: 'm', source: 's3://b/m' });
      assert.deepEqual(
        [missing.status, missing.body],
        [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=m not found' }],
      );
      assert.equal((await call(emu, 'POST', `${OSS}/registered-models/create`, { name: 'm' })).status, 200);
      const again = await call(emu, 'POST', `${OSS}/registered-models/create`, { name: 'm' });
      assert.deepEqual([again.status, again.body.error_code], [400, 'RESOURCE_ALREADY_EXISTS']);
      const created = await call(emu, 'POST', `${OSS}/model-versions/create`, { name: 'm', source: 's3://b/m' });
      assert.deepEqual([created.body.model_version.version, created.body.model_version.status], ['1', 'READY']);
      const model = await call(emu, 'GET', `${OSS}/registered-models/get?name=m`);
      assert.equal(model.body.registered_model.latest_versions[0].version, '1');
      const wrongMethod = await fetch(new URL(`${OSS}/model-versions/create`, emu.url));
      assert.deepEqual([wrongMethod.status, wrongMethod.headers.get('content-type')], [405, 'text/html; charset=utf-8']);
    });
  });

  test('the CLI limits and MLflow tag names are enforced (400); OCI answers {code, message} with opc-request-id', async () => {
    await withEmulator({ registrationDelayMs: 0 }, async (emu) => {
      await call(emu, 'POST', `${OCI}/registered-models/create`, { name: 'm' });
      const tooLong = await call(
        emu,
        'POST',
        `${OCI}/model-versions/create`,
        { name: 'm', source: 's', run_id: 'r'.repeat(33) },
        { 'opc-request-id': 'REQ-1' },
      );
      assert.deepEqual(
        [tooLong.status, tooLong.body],
        [400, { code: 'InvalidParameter', message: 'run_id: at most 32 characters (got 33)' }],
      );
      assert.equal(tooLong.headers.get('opc-request-id'), 'REQ-1');
      const badTag = await call(emu, 'POST', `${OCI}/model-versions/create`, { name: 'm', source: 's', tags: [{ key: 'a*b', value: '' }] });
      assert.equal(badTag.status, 400);
      assert.match(badTag.body.message, /^Invalid tag name: 'a\*b'\./);
      // Each platform is its own registry, apart from the open-source one.
      assert.equal((await call(emu, 'GET', `${OSS}/registered-models/get?name=m`)).status, 404);
    });
  });

  test('opc-retry-token: the same request gets the same version; another request with it is a conflict', async () => {
    await withEmulator({ registrationDelayMs: 0 }, async (emu) => {
      await call(emu, 'POST', `${OCI}/registered-models/create`, { name: 'm' });
      const body = { name: 'm', source: 's3://b/m' };
      const token = { 'opc-retry-token': 't1' };
      const first = await call(emu, 'POST', `${OCI}/model-versions/create`, body, token);
      const second = await call(emu, 'POST', `${OCI}/model-versions/create`, body, token);
      assert.equal(first.body.model_version.version, '1');
      assert.equal(second.body.model_version.version, '1');
      const conflict = await call(emu, 'POST', `${OCI}/model-versions/create`, { ...body, description: 'other' }, token);
      assert.deepEqual([conflict.status, conflict.body.code], [409, 'Conflict']);
      const noToken = await call(emu, 'POST', `${OCI}/model-versions/create`, body);
      assert.equal(noToken.body.model_version.version, '2');
    });
  });

  test('OCI form: PENDING_REGISTRATION until the delay passes; a gs:// source without objects fails; state survives a restart', async () => {
    const dataDir = tempDir('mlflow-emulator-');
    try {
      await withEmulator({ registrationDelayMs: 60_000, dataDir }, async (emu) => {
        await call(emu, 'POST', `${OCI}/registered-models/create`, { name: 'm' });
        const created = await call(emu, 'POST', `${OCI}/model-versions/create`, { name: 'm', source: 'gs://empty/model/' });
        assert.equal(created.body.model_version.status, 'PENDING_REGISTRATION');
      });
      await withEmulator({ registrationDelayMs: 0, dataDir }, async (emu) => {
        const still = await call(emu, 'GET', `${OCI}/model-versions/get?name=m&version=1`);
        assert.equal(still.body.model_version.status, 'PENDING_REGISTRATION');
        await call(emu, 'POST', `${OCI}/model-versions/create`, { name: 'm', source: 'gs://empty/model/' });
        const failed = await call(emu, 'GET', `${OCI}/model-versions/get?name=m&version=2`);
        assert.deepEqual(
          [failed.body.model_version.status, failed.body.model_version.status_message],
          ['FAILED_REGISTRATION', 'No model artifacts found at [gs://empty/model/].'],
        );
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the open-source form answers as a real MLflow 3 server (issue 26, item 7)', () => {
  /** A request as sent raw (method, path under OSS, content-type, body text). */
  interface Raw {
    method: string;
    path: string;
    contentType?: string;
    body?: string;
  }
  const create = (body: unknown): Raw => ({
    method: 'POST',
    path: '/model-versions/create',
    contentType: 'application/json',
    body: JSON.stringify(body),
  });
  const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
  // [what, request, status, error_code or (for the HTML pages) the content type]
  const cases: [string, Raw, number, string?][] = [
    [
      'a POST without a content-type',
      { method: 'POST', path: '/registered-models/create', body: '{"name":"x"}' },
      400,
      'INVALID_PARAMETER_VALUE',
    ],
    ['a model_id that names no logged model', create({ name: 'm', source: 's3://b/m', model_id: 'm-123' }), 404, 'RESOURCE_DOES_NOT_EXIST'],
    ['a POST search', { method: 'POST', path: '/model-versions/search', contentType: 'application/json', body: '{}' }, 405, 'text/html'],
    [
      'IN on name',
      { method: 'GET', path: `/model-versions/search?filter=${encodeURIComponent("name IN ('m')")}` },
      400,
      'INVALID_PARAMETER_VALUE',
    ],
    [
      'NOT LIKE',
      { method: 'GET', path: `/model-versions/search?filter=${encodeURIComponent("name NOT LIKE 'x%'")}` },
      400,
      'INVALID_PARAMETER_VALUE',
    ],
    [
      'a filter on source',
      { method: 'GET', path: `/model-versions/search?filter=${encodeURIComponent("source='s3://b/m'")}` },
      400,
      'INVALID_PARAMETER_VALUE',
    ],
    [
      'a filter on source_path',
      { method: 'GET', path: `/model-versions/search?filter=${encodeURIComponent("source_path='s3://b/m'")}` },
      200,
    ],
    ['version_number>1', { method: 'GET', path: `/model-versions/search?filter=${encodeURIComponent('version_number>1')}` }, 200],
    ['registered models by order_by=timestamp', { method: 'GET', path: '/registered-models/search?order_by=timestamp%20DESC' }, 200],
    ['a wrong method', { method: 'GET', path: '/model-versions/create' }, 405, 'text/html'],
    ['an unknown endpoint', { method: 'GET', path: '/model-versions/nothing' }, 404, 'text/html'],
    [
      'bad JSON',
      { method: 'POST', path: '/model-versions/create', contentType: 'application/json', body: '{"name":' },
      400,
      'INVALID_PARAMETER_VALUE',
    ],
    ['a tag without a value', create({ name: 'm', source: 's3://b/m', tags: [{ key: 'k' }] }), 200],
    ['21 tags', create({ name: 'm', source: 's3://b/m', tags: tags(21) }), 200],
    ['an 8001-character tag value', create({ name: 'm', source: 's3://b/m', tags: [{ key: 'k', value: 'v'.repeat(8001) }] }), 200],
    ['an unknown field', create({ name: 'm', source: 's3://b/m', flavour: 'sklearn' }), 200],
    // MLflow's own rules, which the open-source form keeps.
    [
      'a tag key that path normalisation changes',
      create({ name: 'm', source: 's3://b/m', tags: [{ key: 'a//b', value: '' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
    ],
    ['a source at a bucket root', create({ name: 'm', source: 's3://b/' }), 400, 'INVALID_PARAMETER_VALUE'],
    ['a model name with /', { method: 'GET', path: '/registered-models/get?name=a%2Fb' }, 400, 'INVALID_PARAMETER_VALUE'],
  ];
  for (const [what, raw, status, kind] of cases) {
    test(what, async () => {
      await withEmulator({ registrationDelayMs: 60_000 }, async (emu) => {
        await call(emu, 'POST', `${OSS}/registered-models/create`, { name: 'm' });
        const res = await fetch(new URL(`${OSS}${raw.path}`, emu.url), {
          method: raw.method,
          headers: raw.contentType ? { 'content-type': raw.contentType } : {},
          body: raw.body,
        });
        const text = await res.text();
        assert.equal(res.status, status, text);
        if (kind === 'text/html') assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        else if (kind) assert.equal((JSON.parse(text) as { error_code: string }).error_code, kind);
      });
    });
  }

  test('a version: READY at once (no FAILED_REGISTRATION for an empty prefix), unset fields sent empty, no user_id', async () => {
    await withEmulator({ registrationDelayMs: 60_000 }, async (emu) => {
      await call(emu, 'POST', `${OSS}/registered-models/create`, { name: 'm' });
      const basic = { authorization: `Basic ${Buffer.from('ci:pw').toString('base64')}` };
      const created = await call(emu, 'POST', `${OSS}/model-versions/create`, { name: 'm', source: 'gs://empty/model/' }, basic);
      const version = created.body.model_version as unknown as Record<string, unknown>;
      assert.equal(version.status, 'READY');
      assert.deepEqual([version.description, version.run_id, version.run_link], ['', '', '']);
      assert.equal('user_id' in version, false);
    });
  });
});
