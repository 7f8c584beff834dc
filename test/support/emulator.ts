// Emulator fixtures for in-process suites.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator';

/** An emulator for the enclosing suite: started before its tests (then `setup` runs), closed after them. */
export function suiteEmulator(options: EmulatorOptions, setup?: (emulator: RunningEmulator) => Promise<void>): () => RunningEmulator {
  let emulator: RunningEmulator | undefined;
  before(async () => {
    emulator = await startEmulator(options);
    await setup?.(emulator);
  });
  after(async () => {
    await emulator?.close();
  });
  return () => {
    assert.ok(emulator, 'the suite emulator has not started');
    return emulator;
  };
}

/** Stores gs://fixture/iris/saved_model.pb, so versions deployed from gs://fixture/iris/ become READY (bucket `fixture` must exist). */
export async function uploadIrisFixture(emulator: RunningEmulator): Promise<void> {
  const res = await fetch(`${emulator.url}upload/storage/v1/b/fixture/o?uploadType=media&name=iris/saved_model.pb`, {
    method: 'POST',
    body: 'model',
  });
  assert.equal(res.status, 200);
}
