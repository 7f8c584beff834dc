// Differential tests of gcloud's progress tracker (issue 27): the real gcloud and gcloud-aip wait for
// the same kind of operation on the emulator, on a pseudo-terminal (util-linux `script`, 100 columns)
// and through a pipe; what stderr showed must match byte for byte, but for how many ticks (spinner
// frames, dots) the wait took. Skipped, loudly, without gcloud or `script`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CLI, emulatorEnv, gcloudAvailable, runCommand, scratch } from '../support/cli';
import { callMl, runProject } from '../support/differential';
import { uploadIrisFixture } from '../support/emulator';

const HAVE_GCLOUD = gcloudAvailable();
const HAVE_SCRIPT = fs.existsSync('/usr/bin/script') || fs.existsSync('/bin/script');
const skip = !HAVE_GCLOUD ? 'gcloud is not installed' : !HAVE_SCRIPT ? 'util-linux script is not installed' : false;
if (skip) process.stderr.write(`\n*** SKIPPING progress differential tests: ${skip} ***\n\n`);

const COLUMNS = 100;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Ticks depend on timing: a run of spinner frames (terminal) or of dots (pipe) becomes one marker. */
function normalize(text: string, project: string): string {
  const frame = `\\r {${COLUMNS - 1}}\\r[^\\r\\n]*\\.\\.\\.[⠏⠛⠹⠼⠶⠧]`;
  return text
    .split(project)
    .join('<PROJECT>')
    .replace(/127\.0\.0\.1:\d+/g, '<HOST>')
    .replace(/-\d{13}\b/g, '-<TIME>')
    .replace(new RegExp(`(${frame})+`, 'g'), '<SPIN>')
    .replace(/\n\.+(done|failed)\./g, '\n<DOTS>$1.');
}

describe('gcloud vs gcloud-aip: progress lines', { skip }, () => {
  let emulator: RunningEmulator;
  before(async () => {
    // Long enough for ticks, short enough that the second poll (after 5 s) finds it done.
    emulator = await startEmulator({ port: 0, operationDelayMs: 3000, buckets: ['fixture'] });
    await uploadIrisFixture(emulator);
  });
  after(() => emulator?.close());

  const commands: Array<[string, (project: string) => Promise<string[]>]> = [
    ['versions create', async () => ['ai-platform', 'versions', 'create', 'v1', '--model=m1', '--origin=gs://fixture/iris/']],
    [
      'operations wait',
      async (project) => {
        const op = await callMl(emulator, 'POST', `v1/projects/${project}/models/m1/versions`, {
          name: 'v2',
          deploymentUri: 'gs://fixture/iris/',
        });
        return ['ai-platform', 'operations', 'wait', op.name.split('/').pop()!, '--format=none'];
      },
    ],
  ];
  for (const [name, prepare] of commands) {
    for (const terminal of [true, false]) {
      test(`${name} ${terminal ? 'on a pseudo-terminal' : 'through a pipe'}`, async () => {
        const seen: string[] = [];
        for (const cli of [['gcloud'], [process.execPath, CLI]]) {
          const s = scratch();
          const project = runProject();
          await callMl(emulator, 'POST', `v1/projects/${project}/models`, { name: 'm1' });
          const argv = [...cli, ...(await prepare(project))];
          const env = {
            ...s.env,
            ...emulatorEnv(emulator.port),
            CLOUDSDK_CORE_PROJECT: project,
            CLOUDSDK_AI_PLATFORM_REGION: 'global',
            TERM: 'xterm',
          };
          const r = terminal
            ? await runCommand('script', ['-qec', `stty cols ${COLUMNS} rows 40; ${argv.map(quote).join(' ')}`, '/dev/null'], env)
            : await runCommand(argv[0], argv.slice(1), env);
          seen.push(normalize(terminal ? r.stdout : r.stderr, project));
          fs.rmSync(s.dir, { recursive: true, force: true });
        }
        const [gcloud, clone] = seen;
        assert.match(gcloud, terminal ? /<SPIN>/ : /<DOTS>done\./, 'the wait took ticks');
        assert.equal(clone, gcloud);
      });
    }
  }
});
