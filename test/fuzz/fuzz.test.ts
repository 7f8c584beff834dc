// The fuzz suite: generated command lines, --config documents, --flags-file documents and
// access-token files (grammar.ts) thrown at the CLI. Every run must exit 0, 1 or 2, say `ERROR:`
// when it fails, print no crash report or stack trace, and answer within its time. Most inputs run
// in-process through `run(argv, env)` (driver.ts, in a child process of its own); a sample runs the
// built CLI as a subprocess. `npm test`: a few hundred inputs; `npm run test:soak`: FUZZ_INPUTS
// (default 10,000). A failure prints its seed and index; the driver replays it with
// `--seed S --from I --count 1`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CLI, createModel, emulatorEnv, ROOT, runCommand, scratch } from '../support/cli';
import type { FuzzResults } from './driver';
import { generateInput, Rng } from './grammar';
import { judge, makePaths } from './world';
import { tempDir } from '../support/temp';

const SOAK = process.env.GCLOUD_AIP_SOAK === '1';
const INPUTS = Number(process.env.FUZZ_INPUTS ?? (SOAK ? 10_000 : 300));
const SUBPROCESS_INPUTS = SOAK ? 200 : 10;
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const SUBPROCESS_TIMEOUT_MS = 60_000;

let scratchDir: string;
before(() => {
  scratchDir = tempDir('gcloud-aip-fuzz-test-');
});
after(() => fs.rmSync(scratchDir, { recursive: true, force: true }));

test(`fuzz in-process: ${INPUTS} generated inputs`, { timeout: 30 * 60 * 1000 }, async (t) => {
  const out = path.join(scratchDir, 'results.json');
  const driver = await runCommand(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'driver.ts'), '--seed', String(SEED), '--from', '0', '--count', String(INPUTS), '--out', out],
    { ...process.env },
    ROOT,
    30 * 60 * 1000,
  );
  assert.equal(driver.code, 0, driver.stderr);
  const results = JSON.parse(fs.readFileSync(out, 'utf8')) as FuzzResults;
  t.diagnostic(
    `fuzz (in-process, seed ${SEED}): ${results.inputs} inputs in ${(results.millis / 1000).toFixed(1)}s; exit codes ${JSON.stringify(results.exitCodes)}; ${results.failures.length} failures`,
  );
  assert.deepEqual(results.failures, []);
  assert.equal(results.inputs, INPUTS);
});

test(`fuzz through the built CLI: ${SUBPROCESS_INPUTS} generated inputs`, { timeout: 30 * 60 * 1000 }, async (t) => {
  const emulator: RunningEmulator = await startEmulator({ operationDelayMs: 0 });
  try {
    for (const model of ['m', 'iris']) await createModel(emulator.port, 'test-project', model);
    const world = path.join(scratchDir, 'world');
    fs.mkdirSync(world);
    const paths = makePaths(world);
    const work = path.join(scratchDir, 'work');
    fs.mkdirSync(work);
    const env = {
      ...scratch().env,
      ...emulatorEnv(emulator.port, 'ml.localhost'),
      CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `http://127.0.0.1:${emulator.port}/storage/v1/`,
      GOOGLE_APPLICATION_CREDENTIALS: path.join(world, 'no-such-credentials.json'),
      METADATA_SERVER_DETECTION: 'none',
    };
    const failures: string[] = [];
    const codes: Record<number, number> = {};
    for (let index = 0; index < SUBPROCESS_INPUTS; index++) {
      // Other indexes than the in-process run's: more ground covered.
      const input = generateInput(new Rng(SEED * 1_000_003 + 1_000_000 + index), paths);
      for (const file of input.files) fs.writeFileSync(path.join(work, file.name), file.content);
      const result = await runCommand(process.execPath, [CLI, ...input.argv], env, work, SUBPROCESS_TIMEOUT_MS);
      codes[result.code] = (codes[result.code] ?? 0) + 1;
      const problem = result.code === -1 ? 'killed after the time limit (hang)' : judge(input, result);
      if (problem) failures.push(`${problem}: ${JSON.stringify(input.argv)}\n${result.stderr.slice(-2000)}`);
    }
    t.diagnostic(
      `fuzz (subprocess, seed ${SEED}): ${SUBPROCESS_INPUTS} inputs; exit codes ${JSON.stringify(codes)}; ${failures.length} failures`,
    );
    assert.deepEqual(failures, []);
  } finally {
    await emulator.close();
  }
});
