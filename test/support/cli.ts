// Shared by e2e and diff tests: an isolated environment, the built CLI run as a subprocess, and
// the emulator on an ephemeral port.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './temp';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'bin', 'gcloud-aip.js');
export const FIXTURES = path.join(ROOT, 'fixtures');
export const TOKEN = 'ya29.e2e-test-token';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A scratch directory with an empty gcloud config dir and an access-token file. */
export function scratch(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir('gcloud-aip-test-');
  fs.mkdirSync(path.join(dir, 'config'));
  fs.writeFileSync(path.join(dir, 'token.txt'), `${TOKEN}\n`);
  return {
    dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      LANG: 'C.UTF-8',
      CLOUDSDK_CONFIG: path.join(dir, 'config'),
      CLOUDSDK_CORE_PROJECT: 'test-project',
      CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: path.join(dir, 'token.txt'),
      CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
      CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
      CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
      CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
      CLOUDSDK_CORE_DISABLE_FILE_LOGGING: 'true',
    },
  };
}

/** Points a CLI at the emulator; `ml.localhost` so regional hosts (`us-central1-ml.localhost`) work too. */
/** The emulator's APIs, impersonation's IAM Credentials included: no run may reach Google's servers. */
export function emulatorEnv(port: number, host = '127.0.0.1'): NodeJS.ProcessEnv {
  return {
    CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: `http://${host}:${port}/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `http://${host}:${port}/storage/v1/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS: `http://127.0.0.1:${port}/`,
    // Vertex AI: a host not starting with `aiplatform`, so gcloud adds no region to it.
    CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM: `http://${host}:${port}/`,
  };
}

/**
 * The emulator as the regional endpoint of `region` (`REGION-ml.localhost`), reachable by the real
 * gcloud too on a system that does not resolve `*.localhost`: the emulator is its HTTP proxy, as
 * `env-init` sets it up there.
 */
export function regionalEmulatorEnv(port: number, region: string): NodeJS.ProcessEnv {
  return {
    ...emulatorEnv(port, 'ml.localhost'),
    CLOUDSDK_PROXY_TYPE: 'http',
    CLOUDSDK_PROXY_ADDRESS: '127.0.0.1',
    CLOUDSDK_PROXY_PORT: String(port),
    CLOUDSDK_AI_PLATFORM_REGION: region,
  };
}

export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT, timeoutMs = 60000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<RunResult> {
  return runCommand(process.execPath, [CLI, ...args], env, cwd);
}

export async function createModel(port: number, project: string, name: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/projects/${project}/models`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!res.ok) throw new Error(`model create failed: ${res.status} ${await res.text()}`);
}

/** buckets.insert, as `gcloud storage buckets create` sends it (buckets exist only once created). */
export async function createBucket(port: number, project: string, name: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/storage/v1/b?project=${project}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!res.ok) throw new Error(`bucket create failed: ${res.status} ${await res.text()}`);
}

export function gcloudAvailable(): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => fs.existsSync(path.join(d, 'gcloud')));
}
