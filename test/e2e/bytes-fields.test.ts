// Model and Version etags are bytes fields to gcloud: the built CLI prints them re-encoded URL-safe,
// as gcloud 528 does, whatever the format; an Operation's response prints as sent; an etag Python
// cannot decode is gcloud's InvalidDataFromServerError crash (exit 1), after the pages before it
// (unless --sort-by). The expected texts are
// gcloud's (test/diff/fidelity-diff.test.ts, group `bytes`, compares with it where installed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { emulatorEnv, runCli, scratch } from '../support/cli';

describe('bytes fields (etags) as gcloud prints them', () => {
  let emulator: RunningEmulator;
  /** Handed out in creation order: m1, v1, then the bad model's etag. */
  const etags = ['H+QY+5lJgp0=', 'ab/c+d==', 'abcde'];
  const env = () => ({
    ...scratch().env,
    ...emulatorEnv(emulator.port),
    CLOUDSDK_CORE_PROJECT: 'p',
    CLOUDSDK_AI_PLATFORM_REGION: 'global',
  });
  before(async () => {
    emulator = await startEmulator({ port: 0, operationDelayMs: 0, maxPageSize: 1, newEtag: () => etags.shift() ?? 'AAAAAAAAAAA=' });
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${emulator.url}v1/projects/p/${path}`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(res.status, 200, await res.text());
    };
    await post('models', { name: 'm1' });
    await post('models/m1/versions', { name: 'v1', deploymentUri: 'gs://b/m/' });
    await post('models', { name: 'bad' });
  });
  after(() => emulator?.close());

  test('models describe: the model’s and its default version’s etags, in value, yaml and json', async () => {
    const value = await runCli(['ai-platform', 'models', 'describe', 'm1', '--format=value(etag, defaultVersion.etag)'], env());
    assert.equal(value.code, 0, value.stderr);
    assert.equal(value.stdout, 'H-QY-5lJgp0=\tab_c-Q==\n');
    const yaml = await runCli(['ai-platform', 'models', 'describe', 'm1'], env());
    assert.match(yaml.stdout, /^ {2}etag: ab_c-Q==$/m);
    assert.match(yaml.stdout, /^etag: H-QY-5lJgp0=$/m);
    const json = await runCli(['ai-platform', 'versions', 'list', '--model=m1', '--format=json'], env());
    assert.match(json.stdout, /"etag": "ab_c-Q==",/);
  });

  test('versions describe and set-default print the version’s etag re-encoded', async () => {
    for (const command of [['describe'], ['set-default']]) {
      const r = await runCli(['ai-platform', 'versions', ...command, 'v1', '--model=m1', '--format=value(etag)'], env());
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'ab_c-Q==\n');
    }
  });

  test('the version in an operation’s metadata prints as the service sent it', async () => {
    const r = await runCli(['ai-platform', 'operations', 'list', '--format=value(metadata.version.etag)'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ab/c+d==\n');
  });

  test('an etag that is not base64: gcloud’s crash line naming the answer and its type, exit 1', async () => {
    const r = await runCli(['ai-platform', 'models', 'describe', 'bad', '--format=value(etag)'], env());
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^ERROR: gcloud crashed \(InvalidDataFromServerError\): Error decoding response "\{\n {2}"name": "projects\/p\/models\/bad",/m,
    );
    assert.match(
      r.stderr,
      /\n" as type GoogleCloudMlV1Model: Invalid base64-encoded string: number of data characters \(5\) cannot be 1 more than a multiple of 4\n/,
    );
    // One model a page: the page before the bad one is printed first, as gcloud's printer finishes.
    const list = await runCli(['ai-platform', 'models', 'list', '--format=value(etag)'], env());
    assert.equal(list.code, 1);
    assert.equal(list.stdout, 'H-QY-5lJgp0=\n');
    assert.match(list.stderr, /as type GoogleCloudMlV1ListModelsResponse: Invalid base64-encoded string/);
    const sorted = await runCli(['ai-platform', 'models', 'list', '--format=value(etag)', '--sort-by=name'], env());
    assert.equal(sorted.code, 1);
    assert.equal(sorted.stdout, '', 'sorting reads the whole list before printing');
  });
});
