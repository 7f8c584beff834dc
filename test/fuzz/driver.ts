// The fuzz suite's engine, run as its own process (fuzz.test.ts starts it): it calls the CLI's
// `run(argv, env)` in-process for each generated input (thousands per minute), with stdout and
// stderr captured and an emulator on an ephemeral port behind it, and checks every outcome:
//   exit code 0, 1 or 2; a failure says `ERROR:`; no crash report or stack trace; no hang.
// Usage: driver.ts --seed S --from I --count N --out results.json
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../src/main';
import { startEmulator } from '../../src/emulator';
import { createModel, emulatorEnv, scratch } from '../support/cli';
import { generateInput, Rng, type FuzzInput } from './grammar';
import { judge, makePaths } from './world';
import { tempDir } from '../support/temp';

export interface FuzzFailure {
  index: number;
  why: string;
  argv: string[];
  files: { name: string; content: string }[];
  code: number | undefined;
  stderr: string;
}

export interface FuzzResults {
  seed: number;
  from: number;
  inputs: number;
  exitCodes: Record<string, number>;
  failures: FuzzFailure[];
  millis: number;
}

const INPUT_TIMEOUT_MS = 30_000;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

/** Points process.stdout/stderr at buffers while `body` runs. */
async function captured(body: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const original = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await body(), stdout, stderr };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
}

function describeFiles(input: FuzzInput): FuzzFailure['files'] {
  return input.files.map((f) => ({ name: f.name, content: f.content.toString().slice(0, 2000) }));
}

async function main(): Promise<void> {
  const seed = option('--seed', 1);
  const from = option('--from', 0);
  const count = option('--count', 100);
  const out = process.argv[process.argv.indexOf('--out') + 1];
  const root = tempDir('gcloud-aip-fuzz-');
  const paths = makePaths(root);
  const work = path.join(root, 'work');
  fs.mkdirSync(work);
  process.chdir(work);
  // google-auth-library reads the real environment: make it fail at once, never reach for the network.
  process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(root, 'no-such-credentials.json');
  process.env.METADATA_SERVER_DETECTION = 'none';

  const emulator = await startEmulator({ operationDelayMs: 0 });
  for (const model of ['m', 'iris']) await createModel(emulator.port, 'test-project', model);
  const { env: base } = scratch();
  const env = {
    ...base,
    ...emulatorEnv(emulator.port, 'ml.localhost'),
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `http://127.0.0.1:${emulator.port}/storage/v1/`,
  };

  let current: { index: number; input: FuzzInput } | undefined;
  const failures: FuzzFailure[] = [];
  const exitCodes: Record<string, number> = {};
  const fail = (why: string, code: number | undefined, stderr: string) => {
    if (!current) return;
    failures.push({
      index: current.index,
      why,
      argv: current.input.argv,
      files: describeFiles(current.input),
      code,
      stderr: stderr.slice(-4000),
    });
  };
  process.on('unhandledRejection', (reason) => fail(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`, undefined, ''));
  process.on('uncaughtException', (err) => fail(`uncaught exception: ${err.stack}`, undefined, ''));

  const started = Date.now();
  let hung = false;
  for (let index = from; index < from + count && !hung; index++) {
    const input = generateInput(new Rng(seed * 1_000_003 + index), paths);
    current = { index, input };
    for (const file of input.files) fs.writeFileSync(file.name, file.content);
    const interrupt = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const result = await captured(() =>
      Promise.race([
        run(input.argv, env, interrupt.signal),
        new Promise<number>((resolve) => {
          timer = setTimeout(() => resolve(-1), INPUT_TIMEOUT_MS);
        }),
      ]),
    );
    clearTimeout(timer);
    exitCodes[result.code] = (exitCodes[result.code] ?? 0) + 1;
    if (result.code === -1) {
      fail(`no answer within ${INPUT_TIMEOUT_MS / 1000}s (hang)`, undefined, result.stderr);
      interrupt.abort(new Error('fuzz timeout'));
      hung = true; // the run may still write to the shared streams: stop here
    } else {
      const problem = judge(input, result);
      if (problem) fail(problem, result.code, result.stderr);
    }
  }
  current = undefined;
  const results: FuzzResults = {
    seed,
    from,
    inputs: Object.values(exitCodes).reduce((a, b) => a + b, 0),
    exitCodes,
    failures,
    millis: Date.now() - started,
  };
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
  await emulator.close();
  fs.rmSync(root, { recursive: true, force: true });
  process.exit(0); // a hung run may still hold the event loop
}

void main();
