// Differential tests of what gcloud-aip does with a server's refusals (issue 27): the real gcloud and
// gcloud-aip run against the emulator behind a proxy that refuses on purpose; exit code, stderr and
// the requests the proxy refused must match. A failed operation poll keeps gcloud's ERROR line as it
// is (gcloud-aip's addition follows on its own lines); a 401 to a request without credentials is not
// sent again, one with a token is (once, with a fresh token). Skipped, loudly, without gcloud.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CLI, emulatorEnv, gcloudAvailable, runCommand, scratch } from '../support/cli';
import { callMl, runProject } from '../support/differential';
import { uploadIrisFixture } from '../support/emulator';
import { startMisbehavingProxy, type MisbehavingProxy, type ProxyRule } from '../support/misbehaving-proxy';

const HAVE_GCLOUD = gcloudAvailable();
if (!HAVE_GCLOUD) process.stderr.write('\n*** SKIPPING answer differential tests: `gcloud` is not on PATH ***\n\n');

const refusal = (code: number, status: string, message: string) => ({
  status: code,
  body: JSON.stringify({ error: { code, status, message } }),
});

interface Case {
  name: string;
  args: string[];
  rule: (project: string) => ProxyRule;
  env?: NodeJS.ProcessEnv;
  /** gcloud-aip's own lines after gcloud's, expected verbatim (they are not gcloud's to compare). */
  addition?: (project: string) => string;
}

const CASES: Case[] = [
  {
    name: 'a poll refused (403): gcloud ERROR line verbatim, then where the work goes on',
    args: ['ai-platform', 'versions', 'create', 'v1', '--model=m1', '--origin=gs://fixture/iris/'],
    rule: (project) => ({ match: new RegExp(`^GET /v1/projects/${project}/operations/`), reply: refusal(403, 'PERMISSION_DENIED', 'No.') }),
    addition: (project) =>
      `It continues on the server; follow it with:\n  $ gcloud ai-platform operations wait projects/${project}/operations/create_m1_v1-<TIME>\n`,
  },
  {
    name: 'a 401 without credentials is sent once',
    args: ['ai-platform', 'models', 'list'],
    env: { CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true' },
    rule: () => ({ match: /^GET \/v1\//, reply: refusal(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.') }),
  },
  {
    name: 'a 401 without credentials is sent once (a create)',
    args: ['ai-platform', 'versions', 'create', 'v1', '--model=m1', '--origin=gs://fixture/iris/'],
    env: { CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true' },
    rule: () => ({ match: /^POST \/v1\//, reply: refusal(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.') }),
  },
  {
    name: 'a 401 with a token is sent again, once',
    args: ['ai-platform', 'models', 'describe', 'm1'],
    rule: () => ({ match: /^GET \/v1\//, reply: refusal(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.') }),
  },
];

describe('gcloud vs gcloud-aip: refusals', { skip: HAVE_GCLOUD ? false : 'gcloud is not installed' }, () => {
  let emulator: RunningEmulator;
  let proxy: MisbehavingProxy;
  before(async () => {
    emulator = await startEmulator({ port: 0, operationDelayMs: 0, buckets: ['fixture'] });
    await uploadIrisFixture(emulator);
    proxy = await startMisbehavingProxy(emulator.port);
  });
  after(async () => {
    await proxy?.close();
    await emulator?.close();
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const seen: unknown[] = [];
      for (const [program, ...pre] of [['gcloud'], [process.execPath, CLI]]) {
        const s = scratch();
        const project = runProject();
        await callMl(emulator, 'POST', `v1/projects/${project}/models`, { name: 'm1' });
        proxy.rules.splice(0, proxy.rules.length, c.rule(project));
        proxy.applied.length = 0;
        const env = {
          ...s.env,
          ...emulatorEnv(emulator.port),
          CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: proxy.url,
          CLOUDSDK_CORE_PROJECT: project,
          CLOUDSDK_AI_PLATFORM_REGION: 'global',
          ...c.env,
        };
        const r = await runCommand(program, [...pre, ...c.args], env, s.dir);
        const clean = (text: string) =>
          text
            .split(s.dir)
            .join('<DIR>')
            .split(project)
            .join('<PROJECT>')
            .replace(/127\.0\.0\.1:\d+/g, '<HOST>')
            .replace(/-\d{13}\b/g, '-<TIME>')
            .replace(/\.{2,}\n\.*(done|failed)\./g, '...\n$1.');
        let stderr = clean(r.stderr);
        if (program !== 'gcloud' && c.addition) {
          const addition = clean(c.addition(project));
          assert.ok(stderr.endsWith(addition), stderr);
          stderr = stderr.slice(0, -addition.length);
        }
        seen.push({ code: r.code, stderr, refused: proxy.applied.map((line) => clean(line.replace(/\?.*/, ''))) });
        fs.rmSync(s.dir, { recursive: true, force: true });
      }
      const [gcloud, clone] = seen;
      assert.deepEqual(clone, gcloud);
    });
  }
});
