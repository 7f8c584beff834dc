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
import type { FaultSpec, TlsMaterial } from '../emulator';
import type { CommandDefinition, CommandContext } from '../cli/command';

/** Where `start` takes its --faults default from (the fault suite sets it for every emulator it starts). */
const FAULTS_ENV = 'GCLOUD_AIP_EMULATOR_FAULTS';

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const configDir = env.CLOUDSDK_CONFIG || path.join(os.homedir(), '.config', 'gcloud');
  return path.join(configDir, 'emulators', 'ai-platform');
}

/** `caFile`: the CA bundle that verifies an HTTPS emulator (core/custom_ca_certs_file). */
export function envExports(url: string, caFile?: string): Record<string, string> {
  const base = url.replace(/\/?$/, '/');
  return {
    ...(caFile ? { CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE: caFile } : {}),
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

const LISTEN_ERRORS: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
  EAI_NONAME: 'the host name does not resolve',
  EADDRNOTAVAIL: 'the address is not one of this machine\'s',
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
};

function parseHostPort(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(value);
  if (!m) throw new UserError(`Invalid --host-port [${value}]: expected HOST:PORT.`);
  return { host: m[1].replace(/^\[|\]$/g, '') || 'localhost', port: Number(m[2]) };
}

async function start(options: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  // The emulator is a bundle of its own (dist/emulator.js), loaded only by this command.
  const { startEmulator, FaultSpecError, parseFaultSpec, generateTlsMaterial, OciTrust, OciIdentityService } = await import('../emulator');
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
  const tls = tlsSettings(options, dataDir, host, generateTlsMaterial);
  const ociTrust = ((options.ociTrust as string[] | undefined) ?? []).map((file) => expandHome(file, ctx.env));
  const emulator = await startEmulator({
    tls,
    ociTrust: checkedTrust(ociTrust, OciTrust),
    ociMetadataDir: checkedMetadataDir(options.ociMetadataDir as string | undefined, ctx.env, OciIdentityService),
    faults,
    host,
    port,
    dataDir,
    operationDelayMs: (options.operationDelay as number | undefined) ?? 2000,
    latencyMs: options.latency as number | undefined,
    oauth: {
      tokenLifetimeSeconds: options.tokenLifetime as number | undefined,
      requireIssuedTokens: Boolean(options.requireIssuedTokens),
      metadataServiceAccount: options.metadataServiceAccount as string | undefined,
    },
  }).catch((err: NodeJS.ErrnoException) => {
    // A host that does not resolve, an address not on this machine, a port taken or not allowed.
    if (typeof err?.code === 'string' && LISTEN_ERRORS[err.code]) throw new UserError(`Cannot listen on [${host}:${port}]: ${LISTEN_ERRORS[err.code]} (${err.code}).`);
    throw err;
  });
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${emulator.port}/`;
  fs.writeFileSync(path.join(dataDir, 'env.yaml'), Object.entries(envExports(url, tls?.caFile)).map(([k, v]) => `${k}: ${v}\n`).join(''));
  ctx.output.raw(`[ai-platform] emulator listening on ${url}\n[ai-platform] data directory: ${dataDir}\n`);
  if (tls) ctx.output.raw(`[ai-platform] clients verify it with core/custom_ca_certs_file=${tls.caFile}\n`);
  if (faultsText) ctx.output.raw(`[ai-platform] injecting faults: ${faultsText}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
}

/**
 * --tls: the given --tls-cert/--tls-key, or a fresh CA and server certificate written to the data
 * directory (ca.pem is what clients trust).
 */
function tlsSettings(
  options: Record<string, unknown>,
  dataDir: string,
  host: string,
  generateTlsMaterial: (hosts: string[]) => TlsMaterial,
): { cert: string; key: string; caFile: string } | undefined {
  const certFile = options.tlsCert as string | undefined;
  const keyFile = options.tlsKey as string | undefined;
  if (!options.tls && !certFile && !keyFile) return undefined;
  if (Boolean(certFile) !== Boolean(keyFile)) throw new UserError('--tls-cert and --tls-key must be given together.');
  if (certFile && keyFile) {
    const read = (file: string) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new UserError(`Unable to read file [${file}]: ${(err as Error).message}`);
      }
    };
    return { cert: read(certFile), key: read(keyFile), caFile: path.resolve(certFile) };
  }
  const material = generateTlsMaterial([host]);
  const caFile = path.join(dataDir, 'ca.pem');
  fs.writeFileSync(caFile, material.ca);
  return { cert: material.cert, key: material.key, caFile };
}

/** The trusted files, each checked now so a typo is an error of its own rather than a stack trace. */
function checkedTrust(files: string[], OciTrust: typeof import('../emulator').OciTrust): string[] {
  for (const file of files) {
    try {
      OciTrust.load([file]);
    } catch (err) {
      throw new UserError(`Invalid --oci-trust [${file}]: ${(err as Error).message}`);
    }
  }
  return files;
}

function checkedMetadataDir(dir: string | undefined, env: NodeJS.ProcessEnv, OciIdentityService: typeof import('../emulator').OciIdentityService): string | undefined {
  if (dir === undefined) return undefined;
  const expanded = expandHome(dir, env);
  try {
    new OciIdentityService(expanded);
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
      flag({ name: '--tls', kind: 'bool',
        help: 'Serve HTTPS. Without --tls-cert/--tls-key, a private CA and a certificate for the host are generated; the CA is written to DATA_DIR/ca.pem and env-init points core/custom_ca_certs_file at it.' }),
      flag({ name: '--tls-cert', kind: 'value', metavar: 'PEM_FILE', help: 'Certificate (chain) to serve HTTPS with; implies --tls. Needs --tls-key.' }),
      flag({ name: '--tls-key', kind: 'value', metavar: 'PEM_FILE', help: 'Private key of --tls-cert.' }),
      flag({ name: '--faults', kind: 'value', metavar: 'SPEC',
        help: `Inject failures, e.g. seed=7,503=0.05,429=0.02,reset=0.02,lost=0.01,slow=0.05,slow-ms=800 (rates from 0 to 1; also match=REGEX, max=N, retry-after=SECONDS). Default: $${FAULTS_ENV}.` }),
      flag({ name: '--token-lifetime', kind: 'value', metavar: 'SECONDS', parse: (raw) => plainInt(scalarToString(raw)),
        help: 'Lifetime of the access tokens its OAuth2 token endpoint (/token) issues (default 3600).' }),
      flag({ name: '--require-issued-tokens', kind: 'bool',
        help: 'Refuse (401) API requests whose bearer token was not issued by this emulator or has expired.' }),
      flag({ name: '--metadata-service-account', kind: 'value', metavar: 'EMAIL',
        help: 'Also serve a GCE metadata server (/computeMetadata/v1/, for GCE_METADATA_ROOT) whose default service account is EMAIL.' }),
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
