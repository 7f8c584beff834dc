// `gcloud-aip emulators ai-platform start|env-init`: the project's own local emulator of the ml v1,
// Vertex AI and Cloud Storage JSON APIs (and the services around them: src/emulator/README.md), shaped like gcloud's emulator commands. `start` records its address
// in <data-dir>/env.yaml once it listens (and removes it when it stops); `env-init` prints the
// exports that point gcloud and gcloud-aip at it, waiting a bounded time for one that is starting
// (so `start … &` followed at once by `$(… env-init)` works).
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { flag, ALL_TRACKS } from '../flags/spec';
import { argList, FlagValueError, plainInt, scalarToString } from '../flags/arg-types';
import { bucketNameProblem } from '../domain';
import { expandHome } from '../mlflow/oci-config';
import type { FaultSpec, TlsMaterial } from '../emulator';
import { defineCommand, type CommandContext, type CommandDefinition, type CommandOptions } from '../cli/command';
import { readRegularFile } from '../io/bounded-read';

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
    // Vertex AI. gcloud puts the region in front of an override's host only when the host starts
    // with `aiplatform` (DeriveAiplatformRegionalEndpoint); this one does not, so every region is
    // sent here as it is, and the emulator serves all regions at one address.
    CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM: base,
    // The emulator's model registry (open-source MLflow form), for --mlflow-model.
    MLFLOW_TRACKING_URI: url.replace(/\/$/, ''),
    // Regional hosts (`us-central1-127.0.0.1`) do not resolve; the emulator serves every region at once.
    CLOUDSDK_AI_PLATFORM_REGION: 'global',
    CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true',
  };
}

/** localhost, *.localhost (resolved to loopback by the CLI) and loopback addresses. */
function isLoopback(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
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
  EADDRNOTAVAIL: "the address is not one of this machine's",
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
  EAI_NONAME: 'the host name does not resolve',
};

async function start(options: CommandOptions<typeof START_FLAGS>, ctx: CommandContext): Promise<void> {
  // The emulator is a bundle of its own (dist/emulator.js), loaded only by this command.
  const { startEmulator, FaultSpecError, parseFaultSpec, generateTlsMaterial, OciTrust, OciIdentityService } = await import('../emulator');
  const dataDir = options.dataDir ?? defaultDataDir(ctx.env);
  const { host, port } = parseHostPort(options.hostPort ?? 'localhost:8089');
  const faultsText = options.faults ?? ctx.env[FAULTS_ENV];
  let faults: FaultSpec | undefined;
  try {
    faults = faultsText ? parseFaultSpec(faultsText) : undefined;
  } catch (err) {
    if (err instanceof FaultSpecError) throw new UserError(err.message);
    throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const tls = tlsSettings(options, dataDir, host, generateTlsMaterial);
  const ociTrust = (options.ociTrust ?? []).map((file) => expandHome(file, ctx.env));
  const envFile = path.join(dataDir, ENV_FILE);
  // A file left by an emulator that did not stop cleanly must not send env-init to a dead address.
  fs.rmSync(envFile, { force: true });
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      tls,
      ociTrust: checkedTrust(ociTrust, OciTrust),
      ociMetadataDir: checkedMetadataDir(options.ociMetadataDir, ctx.env, OciIdentityService),
      faults,
      host,
      port,
      dataDir,
      operationDelayMs: options.operationDelay ?? 2000,
      latencyMs: options.latency,
      buckets: options.buckets,
      oauth: {
        tokenLifetimeSeconds: options.tokenLifetime,
        requireIssuedTokens: Boolean(options.requireIssuedTokens),
        metadataServiceAccount: options.metadataServiceAccount,
      },
    });
  } catch (err) {
    // A host that does not resolve, an address not on this machine, a port taken or not allowed.
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (LISTEN_ERRORS[code]) throw new UserError(`Unable to start the emulator on [${host}:${port}]: ${LISTEN_ERRORS[code]}.`);
    throw err;
  }
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${emulator.port}/`;
  // Written whole, then renamed: env-init never reads half a file.
  const partial = `${envFile}.${process.pid}`;
  fs.writeFileSync(
    partial,
    Object.entries(envExports(url, tls?.caFile))
      .map(([k, v]) => `${k}: ${v}\n`)
      .join(''),
  );
  fs.renameSync(partial, envFile);
  ctx.output.raw(`[ai-platform] emulator listening on ${url}\n[ai-platform] data directory: ${dataDir}\n`);
  if (tls) ctx.output.raw(`[ai-platform] clients verify it with core/custom_ca_certs_file=${tls.caFile}\n`);
  if (faultsText) ctx.output.raw(`[ai-platform] injecting faults: ${faultsText}\n`);
  if (!isLoopback(host)) {
    ctx.output.warning(
      `The emulator listens on [${host}], which other machines may reach: it has no real access control` +
        `${options.requireIssuedTokens ? ' (its tokens are handed to anyone who asks its /token endpoint)' : ' and accepts any bearer token (--require-issued-tokens refuses tokens it did not issue)'}. Bind it to localhost unless that is what you want.`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  fs.rmSync(envFile, { force: true });
  await emulator.close();
}

/**
 * --tls: the given --tls-cert/--tls-key, or a fresh CA and server certificate written to the data
 * directory (ca.pem is what clients trust).
 */
function tlsSettings(
  options: Pick<CommandOptions<typeof START_FLAGS>, 'tls' | 'tlsCert' | 'tlsKey'>,
  dataDir: string,
  host: string,
  generateTlsMaterial: (hosts: string[]) => TlsMaterial,
): { cert: string; key: string; caFile: string } | undefined {
  const certFile = options.tlsCert;
  const keyFile = options.tlsKey;
  if (!options.tls && !certFile && !keyFile) return undefined;
  if (Boolean(certFile) !== Boolean(keyFile)) throw new UserError('--tls-cert and --tls-key must be given together.');
  if (certFile && keyFile) {
    const read = (file: string) => {
      try {
        return readRegularFile(file, 1024 * 1024).toString('utf8');
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

function checkedMetadataDir(
  dir: string | undefined,
  env: NodeJS.ProcessEnv,
  OciIdentityService: typeof import('../emulator').OciIdentityService,
): string | undefined {
  if (dir === undefined) return undefined;
  const expanded = expandHome(dir, env);
  try {
    new OciIdentityService(expanded);
  } catch (err) {
    throw new UserError(`Invalid --oci-metadata-dir [${dir}]: ${(err as Error).message}`);
  }
  return expanded;
}

/** The emulator's environment once one answers there, or undefined. */
async function runningEnvironment(dataDir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = readRegularFile(path.join(dataDir, ENV_FILE), 16 * 1024 * 1024).toString('utf8');
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

async function envInit(options: CommandOptions<typeof ENV_INIT_FLAGS>, ctx: CommandContext): Promise<void> {
  const dataDir = options.dataDir ?? defaultDataDir(ctx.env);
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

const dataDirFlag = flag({
  name: '--data-dir',
  kind: 'value',
  metavar: 'DATA_DIR',
  help: 'Directory where the emulator keeps its state (models, versions, operations, objects); it survives restarts.',
});

const START_FLAGS = [
  flag({
    name: '--host-port',
    kind: 'value',
    metavar: 'HOST:PORT',
    help: 'The host:port to listen on (default localhost:8089; port 0 picks a free port). Any other host than a loopback one lets other machines reach the emulator, which has no real access control: a warning says so at start.',
  }),
  dataDirFlag,
  flag({
    name: '--operation-delay',
    kind: 'value',
    metavar: 'MILLISECONDS',
    parse: (raw) => plainInt(scalarToString(raw)),
    help: 'How long a new version stays CREATING before it becomes READY or FAILED (default 2000).',
  }),
  flag({
    name: '--latency',
    kind: 'value',
    metavar: 'MILLISECONDS',
    parse: (raw) => plainInt(scalarToString(raw)),
    help: 'Delay added before every response, to imitate a network round trip.',
  }),
  flag({
    name: '--tls',
    kind: 'bool',
    help: 'Serve HTTPS. Without --tls-cert/--tls-key, a private CA and a certificate for the host are generated; the CA is written to DATA_DIR/ca.pem and env-init points core/custom_ca_certs_file at it.',
  }),
  flag({
    name: '--tls-cert',
    kind: 'value',
    metavar: 'PEM_FILE',
    help: 'Certificate (chain) to serve HTTPS with; implies --tls. Needs --tls-key.',
  }),
  flag({ name: '--tls-key', kind: 'value', metavar: 'PEM_FILE', help: 'Private key of --tls-cert.' }),
  flag({
    name: '--buckets',
    kind: 'value',
    metavar: 'BUCKET',
    parse: (raw) => argList(raw, bucketName),
    help: "Cloud Storage buckets to create at start, if missing (e.g. the --staging-bucket of a deploy). Other buckets exist once created through the JSON API (buckets.insert); objects in any other bucket get the service's 404.",
  }),
  flag({
    name: '--faults',
    kind: 'value',
    metavar: 'SPEC',
    help: `Inject failures, e.g. seed=7,503=0.05,429=0.02,reset=0.02,lost=0.01,slow=0.05,slow-ms=800 (rates from 0 to 1; after-502, after-503 and after-reset fire once the request took effect; also match=REGEX, max=N, retry-after=SECONDS). Default: $${FAULTS_ENV}.`,
  }),
  flag({
    name: '--token-lifetime',
    kind: 'value',
    metavar: 'SECONDS',
    parse: (raw) => plainInt(scalarToString(raw)),
    help: 'Lifetime of the access tokens its OAuth2 token endpoint (/token) issues (default 3600).',
  }),
  flag({
    name: '--require-issued-tokens',
    kind: 'bool',
    help: 'Refuse (401) API requests whose bearer token was not issued by this emulator or has expired. Without it, any bearer token (or none) is accepted.',
  }),
  flag({
    name: '--metadata-service-account',
    kind: 'value',
    metavar: 'EMAIL',
    help: 'Also serve a GCE metadata server (/computeMetadata/v1/, for GCE_METADATA_ROOT) whose default service account is EMAIL.',
  }),
  flag({
    name: '--oci-trust',
    kind: 'value',
    metavar: 'FILE',
    repeat: 'accumulate',
    parse: (raw) => [scalarToString(raw)],
    help: 'Require OCI request signatures on the OCI AI Data Platform form of the MLflow registry, trusting the keys of this OCI config file (its API keys and session tokens) or this PEM key (API keys with its fingerprint, and the session tokens it signed). Repeatable.',
  }),
  flag({
    name: '--oci-metadata-dir',
    kind: 'value',
    metavar: 'DIR',
    help: 'Serve an OCI instance metadata service (/opc/v2/…) from DIR (identity/cert.pem, identity/key.pem, identity/intermediate.pem, instance/canonicalRegionName) and a federation endpoint (/v1/x509) for that instance, for instance principals (point OCI_METADATA_BASE_URL and OCI_SDK_AUTH_CLIENT_REGION_URL at the emulator). The OCI registry form then requires signatures, and trusts the tokens it issued.',
  }),
] as const;

const ENV_INIT_FLAGS = [dataDirFlag] as const;

export const emulatorCommands: CommandDefinition[] = [
  defineCommand({
    path: ['emulators', 'ai-platform', 'start'],
    tracks: ALL_TRACKS,
    positionals: [],
    standalone: true,
    defaultFormat: 'none',
    flags: START_FLAGS,
    help: {
      brief: 'start a local emulator of the AI Platform (ml v1), Vertex AI and Cloud Storage JSON APIs',
      description: 'Starts the embedded emulator in the foreground. Stop it with Ctrl-C; its state stays in --data-dir.',
      examples: '    $ {command} --host-port=localhost:8089',
    },
    run: start,
  }),
  defineCommand({
    path: ['emulators', 'ai-platform', 'env-init'],
    tracks: ALL_TRACKS,
    positionals: [],
    standalone: true,
    defaultFormat: 'none',
    flags: ENV_INIT_FLAGS,
    help: {
      brief: 'print the environment that points gcloud and gcloud-aip at the running emulator',
      description:
        'Prints `export` lines for the running emulator, e.g. `$(gcloud-aip emulators ai-platform env-init)`. An emulator still starting (`start … &` just before) is waited for, up to 10 seconds.',
      examples: '    $ $({command})',
    },
    run: envInit,
  }),
];
