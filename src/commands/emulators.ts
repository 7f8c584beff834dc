// `gcloud-aip emulators ai-platform start|env-init`: the project's own local emulator of the ml v1
// and Cloud Storage JSON APIs, shaped like gcloud's emulator commands. `start` records its address
// in <data-dir>/env.yaml once it listens (and removes it when it stops); `env-init` prints the
// exports that point gcloud and gcloud-aip at it, waiting a bounded time for one that is starting
// (so `start … &` followed at once by `$(… env-init)` works).
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { flag, ALL_TRACKS } from '../flags/spec';
import { argList, bucketNameProblem, FlagValueError, plainInt, scalarToString } from '../flags/arg-types';
import { FAULTS_ENV, FaultSpecError, parseFaultSpec, type FaultSpec } from '../emulator/faults';
import type { CommandDefinition, CommandContext } from './registry';

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const configDir = env.CLOUDSDK_CONFIG || path.join(os.homedir(), '.config', 'gcloud');
  return path.join(configDir, 'emulators', 'ai-platform');
}

export function envExports(url: string): Record<string, string> {
  const base = url.replace(/\/?$/, '/');
  return {
    CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: base,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `${base}storage/v1/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS: base,
    // The emulator's model registry (open-source MLflow form), for --mlflow-model.
    MLFLOW_TRACKING_URI: url.replace(/\/$/, ''),
    // Regional hosts (`us-central1-127.0.0.1`) do not resolve; the emulator serves every region at once.
    CLOUDSDK_AI_PLATFORM_REGION: 'global',
    CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true',
  };
}

function parseHostPort(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(value);
  if (!m) throw new UserError(`Invalid --host-port [${value}]: expected HOST:PORT.`);
  return { host: m[1].replace(/^\[|\]$/g, '') || 'localhost', port: Number(m[2]) };
}

/** How long env-init waits for an emulator that is still starting. */
const ENV_INIT_WAIT_MS = 10_000;
const ENV_FILE = 'env.yaml';

/** Why a listen failed, for the errors a user can fix (anything else is a bug). */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (another emulator? pick a free port with --host-port, or port 0)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this machine\'s',
  ENOTFOUND: 'the host name does not resolve',
};

async function start(options: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  const { startEmulator } = await import('../emulator/server');
  const dataDir = (options.dataDir as string | undefined) ?? defaultDataDir(ctx.env);
  const { host, port } = parseHostPort((options.hostPort as string | undefined) ?? 'localhost:8089');
  const faultsText = (options.faults as string | undefined) ?? ctx.env[FAULTS_ENV];
  let faults: FaultSpec | undefined;
  try {
    faults = faultsText ? parseFaultSpec(faultsText) : undefined;
  } catch (err) {
    if (err instanceof FaultSpecError) throw new UserError(err.message);
    throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const envFile = path.join(dataDir, ENV_FILE);
  // A file left by an emulator that did not stop cleanly must not send env-init to a dead address.
  fs.rmSync(envFile, { force: true });
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      faults,
      host,
      port,
      dataDir,
      operationDelayMs: (options.operationDelay as number | undefined) ?? 2000,
      latencyMs: options.latency as number | undefined,
      buckets: options.buckets as string[] | undefined,
    });
  } catch (err) {
    const reason = LISTEN_ERRORS[(err as NodeJS.ErrnoException).code ?? ''];
    if (reason) throw new UserError(`Unable to start the emulator on [${host}:${port}]: ${reason}.`);
    throw err;
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${emulator.port}/`;
  // Written whole, then renamed: env-init never reads half a file.
  const partial = `${envFile}.${process.pid}`;
  fs.writeFileSync(partial, Object.entries(envExports(url)).map(([k, v]) => `${k}: ${v}\n`).join(''));
  fs.renameSync(partial, envFile);
  ctx.output.raw(`[ai-platform] emulator listening on ${url}\n[ai-platform] data directory: ${dataDir}\n`);
  if (faultsText) ctx.output.raw(`[ai-platform] injecting faults: ${faultsText}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  fs.rmSync(envFile, { force: true });
  await emulator.close();
}

/** The emulator's environment once one answers there, or undefined. */
async function runningEnvironment(dataDir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, ENV_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`Unable to read the emulator environment in [${dataDir}]: ${(err as Error).message}`);
  }
  const url = /^CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: (\S+)$/m.exec(text)?.[1];
  return url && (await accepts(new URL(url))) ? text : undefined;
}

/** Whether something accepts connections at the URL's host and port. */
function accepts(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function envInit(options: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  const dataDir = (options.dataDir as string | undefined) ?? defaultDataDir(ctx.env);
  const deadline = Date.now() + ENV_INIT_WAIT_MS;
  let text: string | undefined;
  while ((text = await runningEnvironment(dataDir)) === undefined) {
    if (Date.now() >= deadline) {
      throw new UserError(
        `No emulator is running with the data directory [${dataDir}] (waited ${ENV_INIT_WAIT_MS / 1000} s): start it first with \`gcloud-aip emulators ai-platform start --data-dir=${dataDir}\`.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const [key, ...rest] = line.split(': ');
    ctx.output.result(`export ${key}=${rest.join(': ')}\n`);
  }
}

function bucketName(name: string): string {
  const problem = bucketNameProblem(name);
  if (problem) throw new FlagValueError(`Invalid bucket name [${name}]: ${problem}`);
  return name;
}

const dataDirFlag = flag({ name: '--data-dir', kind: 'value', metavar: 'DATA_DIR',
  help: 'Directory where the emulator keeps its state (models, versions, operations, objects); it survives restarts.' });

export const emulatorCommands: CommandDefinition[] = [
  {
    path: ['emulators', 'ai-platform', 'start'],
    tracks: ALL_TRACKS,
    positionals: [],
    standalone: true,
    defaultFormat: 'none',
    flags: [
      flag({ name: '--host-port', kind: 'value', metavar: 'HOST:PORT', help: 'The host:port to listen on (default localhost:8089; port 0 picks a free port).' }),
      dataDirFlag,
      flag({ name: '--operation-delay', kind: 'value', metavar: 'MILLISECONDS', parse: (raw) => plainInt(scalarToString(raw)),
        help: 'How long a new version stays CREATING before it becomes READY or FAILED (default 2000).' }),
      flag({ name: '--latency', kind: 'value', metavar: 'MILLISECONDS', parse: (raw) => plainInt(scalarToString(raw)),
        help: 'Delay added before every response, to imitate a network round trip.' }),
      flag({ name: '--buckets', kind: 'value', metavar: 'BUCKET', parse: (raw) => argList(raw, bucketName),
        help: 'Cloud Storage buckets to create at start, if missing (e.g. the --staging-bucket of a deploy). Other buckets exist once created through the JSON API (buckets.insert); objects in any other bucket get the service\'s 404.' }),
      flag({ name: '--faults', kind: 'value', metavar: 'SPEC',
        help: `Inject failures, e.g. seed=7,503=0.05,429=0.02,reset=0.02,lost=0.01,slow=0.05,slow-ms=800 (rates from 0 to 1; also match=REGEX, max=N, retry-after=SECONDS). Default: $${FAULTS_ENV}.` }),
    ],
    help: {
      brief: 'start a local emulator of the AI Platform (ml v1) and Cloud Storage JSON APIs',
      description: 'Starts the embedded emulator in the foreground. Stop it with Ctrl-C; its state stays in --data-dir.',
      examples: '    $ {command} --host-port=localhost:8089',
    },
    run: start,
  },
  {
    path: ['emulators', 'ai-platform', 'env-init'],
    tracks: ALL_TRACKS,
    positionals: [],
    standalone: true,
    defaultFormat: 'none',
    flags: [dataDirFlag],
    help: {
      brief: 'print the environment that points gcloud and gcloud-aip at the running emulator',
      description: 'Prints `export` lines for the running emulator, e.g. `$(gcloud-aip emulators ai-platform env-init)`. An emulator still starting (`start … &` just before) is waited for, up to 10 seconds.',
      examples: '    $ $({command})',
    },
    run: envInit,
  },
];
