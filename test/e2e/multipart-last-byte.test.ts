// Staging through the emulator keeps every byte, whatever a file ends with: a model of 256 random
// binary files, one ending in each byte value, is deployed from a local --origin by gcloud-aip
// (CRLF multipart bodies) and by the real gcloud (bare-LF bodies; it checks each upload against
// the local file), and every staged object must match its file's size and md5.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CLI, createModel, createBucket, emulatorEnv, gcloudAvailable, runCommand, scratch } from '../support/cli';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD)
  process.stderr.write('\n*** SKIPPING the real gcloud upload of files ending in every byte: `gcloud` is not on PATH ***\n\n');

const md5 = (data: Buffer) => createHash('md5').update(data).digest('base64');

describe('multipart staging of files ending in every byte value', () => {
  let emulator: RunningEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let model: string;
  const files = new Map<string, Buffer>();

  before(async () => {
    emulator = await startEmulator({ port: 0, operationDelayMs: 0 });
    ({ dir, env } = scratch());
    env = { ...env, ...emulatorEnv(emulator.port), CLOUDSDK_AI_PLATFORM_REGION: 'global' };
    model = path.join(dir, 'model');
    fs.mkdirSync(model);
    for (let last = 0; last < 256; last++) {
      const data = Buffer.concat([randomBytes(Math.floor(Math.random() * 2000)), Buffer.from([last])]);
      const name = `part-${last.toString(16).padStart(2, '0')}.bin`;
      fs.writeFileSync(path.join(model, name), data);
      files.set(name, data);
    }
    await createModel(emulator.port, 'test-project', 'm1');
  });
  after(async () => {
    await emulator?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function deployAndCheck(command: string, args: string[], bucket: string) {
    await createBucket(emulator.port, 'test-project', bucket);
    const r = await runCommand(
      command,
      [...args, '--model=m1', `--origin=${model}`, `--staging-bucket=gs://${bucket}`, '--async'],
      env,
      undefined,
      120_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const res = await fetch(`http://127.0.0.1:${emulator.port}/storage/v1/b/${bucket}/o?maxResults=1000`);
    const listed = ((await res.json()) as { items: { name: string; size: string; md5Hash: string }[] }).items;
    assert.equal(listed.length, files.size);
    for (const object of listed) {
      const data = files.get(path.basename(object.name));
      assert.ok(data, object.name);
      assert.deepEqual(
        { name: object.name, size: object.size, md5Hash: object.md5Hash },
        { name: object.name, size: String(data.length), md5Hash: md5(data) },
      );
    }
  }

  test('gcloud-aip', () => deployAndCheck(process.execPath, [CLI, 'ai-platform', 'versions', 'create', 'v_aip'], 'staging-aip'));

  test('the real gcloud', { skip: HAVE_GCLOUD ? false : 'gcloud is not installed' }, () =>
    deployAndCheck('gcloud', ['ai-platform', 'versions', 'create', 'v_gcloud'], 'staging-gcloud'),
  );
});
