// Differential tests run the real gcloud and gcloud-aip on the same emulator state and compare what
// each did. The steps they share: a fresh project and scratch directory per run, the environment that
// points both at the emulator, the ml requests and output as compared, and what differs between runs.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator';
import { CLI, emulatorEnv, regionalEmulatorEnv, runCommand, scratch, type RunResult } from './cli';
import { readAnswer, type MlAnswer } from './json';

/** The place of one run: a fresh project, and a scratch directory (its working directory and gcloud config). */
export interface DiffRun {
  project: string;
  dir: string;
}

export interface DiffCase {
  /** Sets up the run's server state and files; returns its arguments after `gcloud`. */
  prepare(run: DiffRun): Promise<string[]> | string[];
  /** Added to the environment of both runs. */
  env?: NodeJS.ProcessEnv;
  /** Both runs go to this region's endpoint (N1 machine types and custom containers need one). */
  region?: string;
  /** What is compared of a run, read once it has ended. */
  observe(run: DiffRun, result: RunResult): Promise<unknown> | unknown;
}

/**
 * A project of its own for one run. gcloud's `:` still matches a bare word anywhere in a value, and
 * a model's name holds its project, so the id must not contain what the tests filter on (m1, m2,
 * m3, zzz, digits): six letters drawn from ones no filter uses. (A random base-36 id held `m1` now
 * and then, and `--filter=name:m1` then matched every model of gcloud's run only.)
 */
export function runProject(): string {
  const letters = 'bcdfghjklnpqrstvwy';
  return `p-${Array.from({ length: 6 }, () => letters[Math.floor(Math.random() * letters.length)]).join('')}`;
}

/** Runs the real gcloud, then gcloud-aip, each in a run of its own, and asserts both observed the same. */
export async function assertSameAsGcloud(emulator: RunningEmulator, c: DiffCase): Promise<void> {
  const observed: unknown[] = [];
  for (const [command, ...pre] of [['gcloud'], [process.execPath, CLI]]) {
    const s = scratch();
    const run = { project: runProject(), dir: s.dir };
    const args = await c.prepare(run);
    const env = {
      ...s.env,
      ...emulatorEnv(emulator.port),
      CLOUDSDK_CORE_PROJECT: run.project,
      CLOUDSDK_AI_PLATFORM_REGION: 'global',
      ...(c.region ? regionalEmulatorEnv(emulator.port, c.region) : {}),
      ...c.env,
    };
    emulator.clearRequests();
    const result = await runCommand(command, [...pre, ...args], env, s.dir);
    observed.push(await c.observe(run, result));
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
  const [gcloud, clone] = observed;
  assert.deepEqual(clone, gcloud);
}

/** Declares a test per case, comparing gcloud and gcloud-aip (with the case's env) on the suite's emulator as `diff` says. */
export function testEachAgainstGcloud<C extends { name: string; env?: NodeJS.ProcessEnv; region?: string }>(
  cases: C[],
  suite: () => RunningEmulator,
  diff: (c: C, emulator: RunningEmulator) => Omit<DiffCase, 'env' | 'region'>,
): void {
  for (const c of cases) {
    test(c.name, () => {
      const emulator = suite();
      return assertSameAsGcloud(emulator, { env: c.env, region: c.region, ...diff(c, emulator) });
    });
  }
}

/** Exit code, ml v1 requests (method, path, query, body, status), stdout and stderr, each passed through `clean`. */
export function observeMl(emulator: RunningEmulator, result: RunResult, clean: (text: string) => string): unknown {
  const requests = emulator
    .requests()
    .filter((q) => q.path.startsWith('/v1/'))
    .map((q) => ({ method: q.method, path: q.path, query: q.query, body: q.body, status: q.status }));
  return {
    code: result.code,
    requests: JSON.parse(clean(JSON.stringify(requests))),
    stdout: clean(result.stdout),
    stderr: clean(result.stderr),
  };
}

/** What differs between runs made alike: the scratch directory, the project, made-up ids (`…-<13 digits>`), times, etags. */
export function normalizeRun(text: string, run: DiffRun): string {
  return text
    .split(run.dir)
    .join('<DIR>')
    .split(run.project)
    .join('<PROJECT>')
    .replace(/-\d{13}\b/g, '-<TIME>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<TIMESTAMP>')
    .replace(/etag: \S+|"etag": "[^"]*"/g, '<ETAG>');
}

/** Calls the emulator's ml API directly (to set up state) and asserts it succeeded. */
export async function callMl(emulator: RunningEmulator, method: string, path: string, body?: unknown): Promise<MlAnswer> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return readAnswer<MlAnswer>(res);
}

/** Gives model m1 of `project` versions v1 (the default) and v2, both READY; returns v1's create operation id. */
export async function seedVersions(emulator: RunningEmulator, project: string): Promise<string> {
  const created = await callMl(emulator, 'POST', `v1/projects/${project}/models/m1/versions`, {
    name: 'v1',
    deploymentUri: 'gs://fixture/iris/',
  });
  await callMl(emulator, 'POST', `v1/projects/${project}/models/m1/versions`, { name: 'v2', deploymentUri: 'gs://fixture/iris/' });
  await callMl(emulator, 'GET', `v1/projects/${project}/operations`); // settles both (no delay)
  return created.name.split('/').pop()!;
}

/** `[track] ai-platform COMMAND… ARGS…`: a case's arguments may start with its release track (beta, alpha), which goes first. */
export function aiPlatformArgs(args: string[], ...command: string[]): string[] {
  const [first, ...rest] = args;
  if (first === 'beta' || first === 'alpha') return [first, 'ai-platform', ...command, ...rest];
  return ['ai-platform', ...command, ...args];
}
