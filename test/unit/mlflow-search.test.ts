// The emulator's MLflow searches (registered-models/search, model-versions/search; GET, as MLflow
// serves them), in both URL forms: filter, order_by, max_results and page_token, and their errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { readAnswer, type MlflowAnswer } from '../support/json';

const OSS = '/api/2.0/mlflow';
const OCI = '/20260430/aiDataPlatforms/ocid1.search/mlops/api/2.0/mlflow';
let emu: RunningEmulator;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(path, emu.url), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await readAnswer<MlflowAnswer>(res) };
}

/** A search with its parameters in the query. */
async function search(prefix: string, endpoint: string, params: Record<string, string | number | string[]>) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) query.append(k, String(one));
  return call('GET', `${prefix}/${endpoint}?${query}`);
}

before(async () => {
  emu = await startEmulator({ port: 0, registrationDelayMs: 0 });
  for (const prefix of [OSS, OCI]) {
    for (const name of ['iris', 'wine', 'iris-large']) await call('POST', `${prefix}/registered-models/create`, { name });
    await call('POST', `${prefix}/model-versions/create`, {
      name: 'iris',
      source: 's3://b/iris/1',
      run_id: 'r1',
      tags: [{ key: 'stage', value: 'canary' }],
    });
    await call('POST', `${prefix}/model-versions/create`, {
      name: 'iris',
      source: 's3://b/iris/2',
      run_id: 'r2',
      tags: [{ key: 'stage', value: 'prod' }],
    });
    await call('POST', `${prefix}/model-versions/create`, { name: 'wine', source: 's3://b/wine/1', run_id: 'r1' });
  }
});

after(async () => {
  await emu.close();
});

for (const [form, prefix] of [
  ['open-source', OSS],
  ['OCI', OCI],
] as const) {
  describe(`MLflow searches, ${form} form`, () => {
    test('registered-models/search: all by name; a LIKE filter; pages with next_page_token', async () => {
      const all = await search(prefix, 'registered-models/search', {});
      assert.deepEqual(
        all.body.registered_models.map((m) => m.name),
        ['iris', 'iris-large', 'wine'],
      );
      assert.equal(all.body.registered_models[0].latest_versions[0].version, '2');
      const like = await search(prefix, 'registered-models/search', { filter: "name LIKE 'iris%'", order_by: ['name DESC'] });
      const byTime = await search(prefix, 'registered-models/search', { order_by: ['timestamp DESC'] });
      assert.equal(byTime.status, 200);
      assert.deepEqual(
        like.body.registered_models.map((m) => m.name),
        ['iris-large', 'iris'],
      );
      const first = await search(prefix, 'registered-models/search', { max_results: 2 });
      assert.equal(first.body.registered_models.length, 2);
      const second = await search(prefix, 'registered-models/search', { max_results: 2, page_token: first.body.next_page_token });
      assert.deepEqual(second.body, { registered_models: [all.body.registered_models[2]] });
    });

    test('model-versions/search: by name, run_id, tag, IN; newest first by default; order_by', async () => {
      const iris = await search(prefix, 'model-versions/search', { filter: "name='iris'" });
      assert.deepEqual(
        iris.body.model_versions.map((v) => v.version),
        ['2', '1'],
      );
      assert.equal(iris.body.model_versions[0].status, 'READY');
      const byRun = await search(prefix, 'model-versions/search', { filter: "run_id = 'r1'", order_by: ['name ASC'] });
      assert.deepEqual(
        byRun.body.model_versions.map((v) => v.name),
        ['iris', 'wine'],
      );
      const tagged = await search(prefix, 'model-versions/search', { filter: "name = 'iris' AND tags.stage = 'prod'" });
      assert.deepEqual(
        tagged.body.model_versions.map((v) => v.source),
        ['s3://b/iris/2'],
      );
      const inList = await search(prefix, 'model-versions/search', { filter: "run_id IN ('r2', 'r9')" });
      assert.deepEqual(
        inList.body.model_versions.map((v) => v.run_id),
        ['r2'],
      );
      const ordered = await search(prefix, 'model-versions/search', { filter: "name ILIKE 'IRIS'", order_by: ['version_number ASC'] });
      assert.deepEqual(
        ordered.body.model_versions.map((v) => v.version),
        ['1', '2'],
      );
      // Open-source MLflow leaves the empty list out.
      assert.deepEqual(
        (await search(prefix, 'model-versions/search', { filter: "name='none'" })).body,
        prefix === OSS ? {} : { model_versions: [] },
      );
      const newer = await search(prefix, 'model-versions/search', { filter: "name='iris' AND version_number>1" });
      assert.deepEqual(
        newer.body.model_versions.map((v) => v.version),
        ['2'],
      );
      const bySource = await search(prefix, 'model-versions/search', { filter: "source_path LIKE 's3://b/wine/%'" });
      assert.deepEqual(
        bySource.body.model_versions.map((v) => v.source),
        ['s3://b/wine/1'],
      );
    });

    test("a bad filter, order_by, max_results or page_token is refused in the form's error shape", async () => {
      const bad: Record<string, string | number | string[]>[] = [
        { filter: "flavour='x'" },
        { filter: 'name=' },
        { filter: "source='s3://b/iris/1'" },
        { filter: "name IN ('iris')" },
        { filter: "name NOT LIKE 'i%'" },
        { order_by: ['colour ASC'] },
        { max_results: 0 },
        { page_token: 'nonsense' },
      ];
      for (const params of bad) {
        const r = await search(prefix, 'model-versions/search', params);
        assert.equal(r.status, 400, JSON.stringify(params));
        if (prefix === OSS) assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
        else assert.equal(r.body.code, 'InvalidParameter');
      }
      const wrongMethod = await fetch(new URL(`${prefix}/model-versions/search`, emu.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(wrongMethod.status, prefix === OSS ? 405 : 404);
    });
  });
}
