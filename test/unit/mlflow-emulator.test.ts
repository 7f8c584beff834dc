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
      const wrongMethod = await call(emu, 'GET', `${OSS}/model-versions/create`);
      assert.equal(wrongMethod.status, 404);
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

  test('PENDING_REGISTRATION until the delay passes; a gs:// source without objects fails; state survives a restart', async () => {
    const dataDir = tempDir('mlflow-emulator-');
    try {
      await withEmulator({ registrationDelayMs: 60_000, dataDir }, async (emu) => {
        await call(emu, 'POST', `${OSS}/registered-models/create`, { name: 'm' });
        const created = await call(emu, 'POST', `${OSS}/model-versions/create`, { name: 'm', source: 'gs://empty/model/' });
        assert.equal(created.body.model_version.status, 'PENDING_REGISTRATION');
      });
      await withEmulator({ registrationDelayMs: 0, dataDir }, async (emu) => {
        const still = await call(emu, 'GET', `${OSS}/model-versions/get?name=m&version=1`);
        assert.equal(still.body.model_version.status, 'PENDING_REGISTRATION');
        await call(emu, 'POST', `${OSS}/model-versions/create`, { name: 'm', source: 'gs://empty/model/' });
        const failed = await call(emu, 'GET', `${OSS}/model-versions/get?name=m&version=2`);
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
