// The fault suite: seeded runs of deploying a model directory of a few hundred files (odd names, one
// file big enough for a resumable upload in many chunks) through an emulator that injects a random
// schedule of faults: 503s, 429s, connections cut mid-body, answers lost after the server acted,
// slow answers. Every run must end one of two ways:
//   - exit 0 with exactly one version, READY, whose staged objects are exactly the local files
//     (names and md5), or
//   - exit 1 with one clear `ERROR:` line, no stack trace, and no version at all.
// `npm test` runs a few runs (seconds); `npm run test:soak` runs FAULT_SUITE_RUNS (default 200).
// A failing run prints its seed and fault spec; FAULT_SUITE_SEED=<seed> FAULT_SUITE_RUNS=1 replays it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { seededRandom } from '../../src/emulator/faults';
import { startEmulator } from '../../src/emulator';
import { CLI, createModel, emulatorEnv, runCommand, scratch } from '../support/cli';
import { readAnswer, type MlAnswer, type StorageAnswer } from '../support/json';
import { tempDir } from '../support/temp';

const SOAK = process.env.GCLOUD_AIP_SOAK === '1';
const RUNS = Number(process.env.FAULT_SUITE_RUNS ?? (SOAK ? 200 : 3));
const FILES = SOAK ? 300 : 40;
const FIRST_SEED = Number(process.env.FAULT_SUITE_SEED ?? 7001);
const PARALLEL = Number(process.env.FAULT_SUITE_PARALLEL ?? 3);
/** Bigger than the multipart limit (5 MiB): a resumable upload, in 256 KiB chunks below. */
const BIG_FILE_BYTES = 5 * 1024 * 1024 + 12345;
const CHUNK_BYTES = 256 * 1024;
const RUN_TIMEOUT_MS = 10 * 60 * 1000;
const BUCKET = 'fault-suite';

let modelDir: string;
let localMd5: Map<string, string>;

/** A model directory with nested folders, unicode and spaces in names, empty and big files. */
function writeModelDir(count: number, seed: number): { dir: string; md5: Map<string, string> } {
  const random = seededRandom(seed);
  const dir = tempDir('gcloud-aip-fault-model-');
  const md5 = new Map<string, string>();
  const names = ['saved_model.pb', 'big/weights.bin'];
  for (let i = names.length; i < count; i++) {
    const folder = ['variables', 'assets', 'assets/vocab', 'extra/deep/er', 'données', 'with space'][i % 6];
    const base = [`part-${i}.bin`, `naïve ${i}.txt`, `file_${i}.data`, `模型-${i}.json`][i % 4];
    names.push(`${folder}/${base}`);
  }
  for (const name of names) {
    const size = name === 'big/weights.bin' ? BIG_FILE_BYTES : name.endsWith('0.bin') ? 0 : Math.floor(random() * 40_000);
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = Math.floor(random() * 256);
    fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), bytes);
    md5.set(name, createHash('md5').update(bytes).digest('base64'));
  }
  return { dir, md5 };
}

/** A random fault schedule: each kind at 0–4 %, slow answers up to 400 ms. */
function faultSpec(seed: number): string {
  const random = seededRandom(seed * 7919);
  const rate = (max: number) => (random() * max).toFixed(3);
  return [
    `seed=${seed}`,
    `503=${rate(0.04)}`,
    `429=${rate(0.03)}`,
    `reset=${rate(0.04)}`,
    `lost=${rate(0.04)}`,
    `slow=${rate(0.1)}`,
    `slow-ms=${Math.floor(random() * 400)}`,
    `retry-after=${random() < 0.5 ? 0 : 1}`,
  ].join(',');
}

interface RunReport {
  seed: number;
  spec: string;
  outcome: 'success' | 'clean-failure';
  faults: Record<string, number>;
  error?: string;
}

class Violation extends Error {}

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return readAnswer<T>(res);
}

async function stagedObjects(port: number, prefix: string): Promise<Map<string, string>> {
  const objects = new Map<string, string>();
  let pageToken = '';
  do {
    const page = await json<StorageAnswer>(
      `http://127.0.0.1:${port}/storage/v1/b/${BUCKET}/o?prefix=${encodeURIComponent(prefix)}${pageToken ? `&pageToken=${pageToken}` : ''}`,
    );
    for (const item of page.items ?? []) objects.set(item.name.slice(prefix.length), item.md5Hash);
    pageToken = page.nextPageToken ?? '';
  } while (pageToken);
  return objects;
}

async function oneRun(seed: number): Promise<RunReport> {
  const spec = faultSpec(seed);
  const operationDelayMs = seededRandom(seed)() < 0.25 ? 3000 : 0; // some runs poll more than once
  const emulator = await startEmulator({ operationDelayMs, buckets: [BUCKET] });
  try {
    await createModel(emulator.port, 'fault-project', 'm');
    emulator.setFaults(spec);
    const { env } = scratch();
    const result = await runCommand(
      process.execPath,
      [
        CLI,
        'ai-platform',
        'versions',
        'create',
        'v1',
        '--model=m',
        `--origin=${modelDir}`,
        `--staging-bucket=gs://${BUCKET}`,
        '--format=json',
      ],
      {
        ...env,
        ...emulatorEnv(emulator.port),
        CLOUDSDK_CORE_PROJECT: 'fault-project',
        CLOUDSDK_AI_PLATFORM_REGION: 'global',
        CLOUDSDK_STORAGE_UPLOAD_CHUNK_SIZE: String(CHUNK_BYTES),
      },
      undefined,
      RUN_TIMEOUT_MS,
    );
    const faults = emulator.faultCounts() ?? {};
    emulator.setFaults(undefined);
    const fail = (why: string) => {
      throw new Violation(`seed ${seed} (--faults '${spec}'): ${why}\nexit ${result.code}\nstderr:\n${result.stderr.slice(-3000)}`);
    };
    if (/Internal error|\n\s+at \S.*:\d+:\d+\)?\n/.test(result.stderr)) fail('a crash report or stack trace');
    const { versions = [] } = await json<MlAnswer>(`http://127.0.0.1:${emulator.port}/v1/projects/fault-project/models/m/versions`);

    if (result.code === 0) {
      const printed = JSON.parse(result.stdout);
      if (versions.length !== 1) fail(`success, but ${versions.length} versions exist`);
      if (versions[0].state !== 'READY' || printed.state !== 'READY') fail(`success, but the version is ${versions[0].state}`);
      const match = /^gs:\/\/fault-suite\/([0-9a-f]{64}\/)$/.exec(versions[0].deploymentUri);
      if (!match) fail(`unexpected deploymentUri ${versions[0].deploymentUri}`);
      const staged = await stagedObjects(emulator.port, match![1]);
      if (staged.size !== localMd5.size) fail(`${staged.size} objects staged for ${localMd5.size} files`);
      for (const [name, md5] of localMd5) {
        if (staged.get(name) !== md5) fail(`object ${name}: md5 ${staged.get(name)} (local ${md5})`);
      }
      return { seed, spec, outcome: 'success', faults };
    }
    if (result.code !== 1) fail('exit code other than 0 or 1');
    const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('ERROR: '));
    if (errorLines.length !== 1) fail(`${errorLines.length} ERROR lines`);
    if (versions.length !== 0) fail(`failed, but ${versions.length} version(s) exist`);
    return { seed, spec, outcome: 'clean-failure', faults, error: errorLines[0] };
  } finally {
    await emulator.close();
  }
}

before(() => {
  ({ dir: modelDir, md5: localMd5 } = writeModelDir(FILES, FIRST_SEED));
});
after(() => fs.rmSync(modelDir, { recursive: true, force: true }));

test(`fault suite: ${RUNS} seeded deploys of ${FILES} files under random faults`, { timeout: RUNS * RUN_TIMEOUT_MS }, async (t) => {
  const reports: RunReport[] = [];
  const violations: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, RUNS) }, async () => {
      while (next < RUNS) {
        const seed = FIRST_SEED + next++;
        try {
          reports.push(await oneRun(seed));
        } catch (err) {
          if (!(err instanceof Violation)) throw err;
          violations.push(err.message);
        }
      }
    }),
  );
  const succeeded = reports.filter((r) => r.outcome === 'success').length;
  const faults: Record<string, number> = {};
  for (const report of reports) for (const [kind, n] of Object.entries(report.faults)) faults[kind] = (faults[kind] ?? 0) + n;
  const errors = new Map<string, number[]>(); // error line (temp paths elided) → seeds
  for (const r of reports) {
    if (!r.error) continue;
    const line = r.error.replace(modelDir, '<model>');
    errors.set(line, [...(errors.get(line) ?? []), r.seed]);
  }
  const summary = [
    `fault suite: ${RUNS} runs of ${FILES} files (seeds ${FIRST_SEED}–${FIRST_SEED + RUNS - 1}): ` +
      `${succeeded} succeeded (one READY version, every object matching), ${reports.length - succeeded} failed cleanly (one ERROR line, no version), ` +
      `${violations.length} violations`,
    `faults injected: ${Object.entries(faults)
      .map(([k, n]) => `${k}=${n}`)
      .join(' ')}`,
    ...[...errors].map(([line, seeds]) => `  ${seeds.length}× ${line} (seeds ${seeds.join(', ')})`),
  ];
  for (const line of summary) t.diagnostic(line);
  assert.deepEqual(violations, []);
  assert.equal(reports.length, RUNS);
});
