// `gcloud-aip emulators ai-platform start|env-init`: the project's own local emulator of the ml v1
// and Cloud Storage JSON APIs, shaped like gcloud's emulator commands. `start` records its address
// in <data-dir>/env.yaml; `env-init` prints the exports that point gcloud and gcloud-aip at it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { flag, ALL_TRACKS } from '../flags/spec';
import { plainInt, scalarToString } from '../flags/arg-types';
import { expandHome } from '../mlflow/oci-config';
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
  const ociTrust = ((options.ociTrust as string[] | undefined) ?? []).map((file) => expandHome(file, ctx.env));
  const emulator = await startEmulator({
    ociTrust: await loadableTrust(ociTrust),
    ociMetadataDir: await loadableMetadataDir(options.ociMetadataDir as string | undefined, ctx.env),
    faults,
    host,
    port,
    dataDir,
    operationDelayMs: (options.operationDelay as number | undefined) ?? 2000,
    latencyMs: options.latency as number | undefined,
  });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${emulator.port}/`;
  fs.writeFileSync(path.join(dataDir, 'env.yaml'), Object.entries(envExports(url)).map(([k, v]) => `${k}: ${v}\n`).join(''));
  ctx.output.raw(`[ai-platform] emulator listening on ${url}\n[ai-platform] data directory: ${dataDir}\n`);
  if (faultsText) ctx.output.raw(`[ai-platform] injecting faults: ${faultsText}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
}

/** The trusted files, each checked now so a typo is an error of its own rather than a stack trace. */
async function loadableTrust(files: string[]): Promise<string[]> {
  const { OciTrust } = await import('../emulator/oci-trust');
  for (const file of files) {
    try {
      OciTrust.load([file]);
    } catch (err) {
      throw new UserError(`Invalid --oci-trust [${file}]: ${(err as Error).message}`);
    }
  }
  return files;
}

async function loadableMetadataDir(dir: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (dir === undefined) return undefined;
  const { OciIdentityApi } = await import('../emulator/oci-identity');
  const expanded = expandHome(dir, env);
  try {
    new OciIdentityApi(expanded);
  } catch (err) {
    throw new UserError(`Invalid --oci-metadata-dir [${dir}]: ${(err as Error).message}`);
  }
  return expanded;
}

async function envInit(options: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  const dataDir = (options.dataDir as string | undefined) ?? defaultDataDir(ctx.env);
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, 'env.yaml'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`Unable to read the emulator environment in [${dataDir}]: ${(err as Error).message}`);
    throw new UserError(`No emulator environment found in [${dataDir}]: start it first with \`gcloud-aip emulators ai-platform start\`.`);
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const [key, ...rest] = line.split(': ');
    ctx.output.result(`export ${key}=${rest.join(': ')}\n`);
  }
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
      flag({ name: '--faults', kind: 'value', metavar: 'SPEC',
        help: `Inject failures, e.g. seed=7,503=0.05,429=0.02,reset=0.02,lost=0.01,slow=0.05,slow-ms=800 (rates from 0 to 1; also match=REGEX, max=N, retry-after=SECONDS). Default: $${FAULTS_ENV}.` }),
      flag({ name: '--oci-trust', kind: 'value', metavar: 'FILE', repeat: 'accumulate', parse: (raw) => [scalarToString(raw)],
        help: 'Require OCI request signatures on the OCI AI Data Platform form of the MLflow registry, trusting the keys of this OCI config file (its API keys and session tokens) or this PEM key (API keys with its fingerprint, and the session tokens it signed). Repeatable.' }),
      flag({ name: '--oci-metadata-dir', kind: 'value', metavar: 'DIR',
        help: 'Serve an OCI instance metadata service (/opc/v2/…) from DIR (identity/cert.pem, identity/key.pem, identity/intermediate.pem, instance/canonicalRegionName) and a federation endpoint (/v1/x509) for that instance, for instance principals (point OCI_METADATA_BASE_URL and OCI_SDK_AUTH_CLIENT_REGION_URL at the emulator). The OCI registry form then requires signatures, and trusts the tokens it issued.' }),
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
      description: 'Prints `export` lines for the running emulator, e.g. `$(gcloud-aip emulators ai-platform env-init)`.',
      examples: '    $ $({command})',
    },
    run: envInit,
  },
];
