// Compaction of an emulator data directory keeps what something still loads from: an ml version's
// deploymentUri, a Vertex AI registry version's artifactUri, and that of an upload not carried out yet.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { compactDataDir } from '../../src/emulator';
import { Store } from '../../src/emulator/store';
import { tempDir } from '../support/temp';

test('Vertex AI registry versions and pending uploads keep their files; nothing else does', async () => {
  const dataDir = tempDir('aip-compact-');
  const store = Store.open(dataDir);
  store.createBucket('stage', 'p');
  const put = (name: string) => {
    const file = store.tempPath();
    fs.writeFileSync(file, name);
    const object = { bucket: 'stage', name, generation: store.nextGeneration(), contentType: 'application/octet-stream' };
    store.putObject({ ...object, size: name.length, md5Hash: '', crc32c: '', timeCreated: '', extra: {} }, file);
  };
  for (const name of ['registry/model.pkl', 'pending/model.pkl', 'orphan/model.pkl']) put(name);
  store.vertex.models['projects/1/locations/us-central1/models/iris'] = {
    name: 'projects/1/locations/us-central1/models/iris',
    versions: [{ versionId: '1', resource: { artifactUri: 'gs://stage/registry/' }, versionAliases: ['default'] }],
    lastVersionId: 1,
  };
  store.vertex.operations.op1 = {
    name: 'op1',
    kind: 'upload',
    request: { body: { model: { artifactUri: 'gs://stage/pending/' } } },
    metadata: {},
    doneAt: Date.now() + 60_000,
    done: false,
  };
  await store.save();
  await store.close();

  const report = await compactDataDir(dataDir);
  assert.deepEqual([report.objectsKept, report.objectsRemoved], [2, 1]);
  const kept = Store.open(dataDir);
  assert.deepEqual([...kept.buckets.get('stage')!.keys()].sort(), ['pending/model.pkl', 'registry/model.pkl']);
  assert.equal(fs.readdirSync(path.join(dataDir, 'objects')).length, 2);
  await kept.close();
});
