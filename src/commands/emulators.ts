// `gcloud-aip emulators ai-platform start|env-init`: the project's own local emulator of the ml v1,
// Vertex AI and Cloud Storage JSON APIs (and the services around them: src/emulator/README.md), shaped like gcloud's emulator commands. `start` records its address
// in <data-dir>/env.yaml once it listens (and removes it when it stops); `env-init` prints the
// exports that point gcloud and gcloud-aip at it, waiting a bounded time for one that is starting
// (so `start … &` followed at once by `$(… env-init)` works).
import { isLoopbackHost } from '../config/endpoints';
import { STRICT_ENV } from '../config/strict';
import * as dns from 'node:dns';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { flag, ALL_TRACKS } from '../flags/spec';
import { argList, FlagValueError, plainInt, scalarToString } from '../flags/arg-types';
import { bucketNameProblem, REGIONS } from '../domain';
import { CredentialStore } from '../credentials/store';
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
    // The global endpoint by default; `--region` picks a regional one (`REGION-ml.localhost`).
    CLOUDSDK_AI_PLATFORM_REGION: 'global',
  };
}

/**
 * The host clients name the emulator by: `ml.localhost` for a loopback listener, so that a regional
 * endpoint (`us-central1-ml.localhost`, which gcloud derives from the ml override) reaches it too.
 */
export function clientHost(host: string): string {
  return ['localhost', '127.0.0.1', '0.0.0.0'].includes(host) ? 'ml.localhost' : host;
}

/** Regional endpoint hosts of a `ml.localhost` emulator, for its generated TLS certificate. */
function regionalHosts(host: string): string[] {
  return host === 'ml.localhost' ? REGIONS.filter((r) => r !== 'global').map((r) => `${r}-ml.localhost`) : [];
}

function parseHostPort(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(value);
  if (!m) throw new UserError(`Invalid --host-port [${value}]: expected HOST:PORT.`);
  return { host: m[1].replace(/^\[|\]$/g, '') || 'localhost', port: Number(m[2]) };
}

/** How long env-init waits for an emulator that is still starting. */
const ENV_INIT_WAIT_MS = 10_000;
/** …and for the data directory a `start` launched at the same moment creates first. */
const NEW_DATA_DIR_WAIT_MS = 2_000;
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

// Long because it is the emulator's whole start-up in the order it must happen (data dir, TLS, OCI trust, listen, announce, wait):
// each step is a call, and splitting the sequence would only pass its state around.
async function start(options: CommandOptions<typeof START_FLAGS>, ctx: CommandContext): Promise<void> {
  const dataDir = options.dataDir ?? defaultDataDir(ctx.env);
  // First of all: an env-init launched beside this start (`start … &`) waits for it once it exists.
  fs.mkdirSync(dataDir, { recursive: true });
  // The emulator is a bundle of its own (dist/emulator.js), loaded only by this command.
  const { startEmulator, FaultSpecError, parseFaultSpec, generateTlsMaterial, OciTrust, OciIdentityService } = await import('../emulator');
  const { host, port } = parseHostPort(options.hostPort ?? 'localhost:8089');
  const faultsText = options.faults ?? ctx.env[FAULTS_ENV];
  let faults: FaultSpec | undefined;
  try {
    faults = faultsText ? parseFaultSpec(faultsText) : undefined;
  } catch (err) {
    if (err instanceof FaultSpecError) throw new UserError(err.message);
    throw err;
  }
  const tls = tlsSettings(
    options,
    dataDir,
    [host, ...new Set([clientHost(host), ...regionalHosts(clientHost(host))])],
    generateTlsMaterial,
  );
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
  const address = (name: string) => `${tls ? 'https' : 'http'}://${name.includes(':') ? `[${name}]` : name}:${emulator.port}/`;
  // Clients name it `ml.localhost` (regional endpoints too); the log line says where it listens.
  const url = address(clientHost(host));
  // Written whole, then renamed: env-init never reads half a file.
  const partial = `${envFile}.${process.pid}`;
  fs.writeFileSync(
    partial,
    Object.entries(envExports(url, tls?.caFile))
      .map(([k, v]) => `${k}: ${v}\n`)
      .join(''),
  );
  fs.renameSync(partial, envFile);
  ctx.output.raw(
    `[ai-platform] emulator listening on ${address(host)}\n[ai-platform] data directory: ${dataDir}\n` +
      `[ai-platform] point gcloud-aip and gcloud at it with: $(gcloud-aip emulators ai-platform env-init${options.dataDir ? ` --data-dir=${dataDir}` : ''})\n`,
  );
  if (tls) ctx.output.raw(`[ai-platform] clients verify it with core/custom_ca_certs_file=${tls.caFile}\n`);
  if (faultsText) ctx.output.raw(`[ai-platform] injecting faults: ${faultsText}\n`);
  if (!isLoopbackHost(host)) {
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
  hosts: string[],
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
  const material = generateTlsMaterial(hosts);
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

/** The emulator's environment (and its ml endpoint) once one answers there, or undefined. */
async function runningEnvironment(dataDir: string): Promise<{ text: string; url: string } | undefined> {
  let text: string;
  try {
    text = readRegularFile(path.join(dataDir, ENV_FILE), 16 * 1024 * 1024).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`Unable to read the emulator environment in [${dataDir}]: ${(err as Error).message}`);
  }
  const url = /^CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: (\S+)$/m.exec(text)?.[1];
  return url && (await accepts(new URL(url))) ? { text, url } : undefined;
}

/** Whether something accepts connections at the URL's host and port (`*.localhost` is loopback). */
function accepts(url: URL): Promise<boolean> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const host = hostname === 'localhost' || hostname.endsWith('.localhost') ? '127.0.0.1' : hostname;
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(url.port) });
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
  const started = Date.now();
  let running: { text: string; url: string } | undefined;
  while ((running = await runningEnvironment(dataDir)) === undefined) {
    // No directory: no emulator has run there; one launched at the same moment (`start … &`) has
    // created it well within the short wait.
    if (!fs.existsSync(dataDir) && Date.now() >= started + NEW_DATA_DIR_WAIT_MS) {
      throw new UserError(`No emulator has run with the data directory [${dataDir}]: ${startAdvice(dataDir)}`);
    }
    if (Date.now() >= started + ENV_INIT_WAIT_MS) {
      throw new UserError(
        `No emulator is running with the data directory [${dataDir}] (waited ${ENV_INIT_WAIT_MS / 1000} s): ${startAdvice(dataDir)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { text, url } = running;
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(': '));
  const account = emulatorAccount(ctx, url);
  lines.push(['CLOUDSDK_AUTH_DISABLE_CREDENTIALS', account ? 'false' : 'true']);
  // The emulator refuses what AI Platform refused; the CLI then refuses it before any upload.
  lines.push([STRICT_ENV, 'true']);
  const proxied = await proxyThroughEmulator(url);
  if (proxied) lines.push(...proxied);
  for (const [key, ...rest] of lines) ctx.output.result(`export ${key}=${rest.join(': ')}\n`);
  // Notes for a person at a terminal (`$(… env-init)` shows them); scripts get the exports alone.
  if (!process.stderr.isTTY) return;
  if (proxied)
    ctx.output.status(
      '[ai-platform] this system does not resolve *.localhost names: gcloud and gcloud-aip reach the emulator as their HTTP proxy.',
    );
  ctx.output.status(
    account
      ? `[ai-platform] requests carry the credentials of the active account [${account}], whose tokens the emulator issues.`
      : '[ai-platform] requests carry no credentials. To act as a service account, create a key with ' +
          `\`curl -X POST ${url}__emulator/service-account-keys -d '{"email": "EMAIL"}'\`, run ` +
          '`gcloud auth activate-service-account --key-file=KEY`, then run env-init again.',
  );
}

/**
 * Where the system does not resolve `*.localhost` (glibc without systemd-resolved), gcloud cannot
 * reach `us-central1-ml.localhost`; the emulator then becomes gcloud's (and gcloud-aip's) HTTP
 * proxy: a proxied request names its host in the Host header, which is all the emulator reads.
 */
async function proxyThroughEmulator(url: string): Promise<[string, string][] | undefined> {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== 'http:' || parsed.hostname !== 'ml.localhost') return undefined;
  const resolves = await new Promise<boolean>((resolve) =>
    dns.lookup('us-central1-ml.localhost', (err, address) => resolve(!err && /^(127\.|::1$)/.test(address))),
  );
  if (resolves) return undefined;
  return [
    ['CLOUDSDK_PROXY_TYPE', 'http'],
    ['CLOUDSDK_PROXY_ADDRESS', '127.0.0.1'],
    ['CLOUDSDK_PROXY_PORT', parsed.port],
  ];
}

function startAdvice(dataDir: string): string {
  return `start it first with \`gcloud-aip emulators ai-platform start --data-dir=${dataDir}\`.`;
}

/**
 * The active account (core/account), when the emulator is where its tokens come from: a credential
 * gcloud stored whose token_uri is this emulator's (a key or login the emulator made). Any other
 * account (a real Google login) stays unused, so env-init never sends real credentials anywhere.
 */
function emulatorAccount(ctx: CommandContext, url: string): string | undefined {
  const account = ctx.properties.get('core/account');
  if (!account || !url) return undefined;
  let tokenUri: unknown;
  try {
    tokenUri = CredentialStore.open(ctx.properties.configDir).load(account, ctx.properties.universeDomain)?.info.token_uri;
  } catch {
    return undefined; // an unreadable store or another universe: not the emulator's account
  }
  return typeof tokenUri === 'string' && sameServer(tokenUri, url) ? account : undefined;
}

/** Two URLs of the same server: the same port, and the same host or both loopback names. */
function sameServer(a: string, b: string): boolean {
  let x: URL;
  let y: URL;
  try {
    x = new URL(a);
    y = new URL(b);
  } catch {
    return false;
  }
  const loopback = (url: URL) => isLoopbackHost(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  return x.port === y.port && (x.hostname === y.hostname || (loopback(x) && loopback(y)));
}

async function compact(options: CommandOptions<typeof ENV_INIT_FLAGS>, ctx: CommandContext): Promise<void> {
  const dataDir = options.dataDir ?? defaultDataDir(ctx.env);
  if (!fs.existsSync(path.join(dataDir, 'state.json'))) throw new UserError(`No emulator state in [${dataDir}].`);
  // A running emulator holds the state in memory and would write it back over the compacted one.
  if (await runningEnvironment(dataDir)) throw new UserError(`An emulator is running with the data directory [${dataDir}]: stop it first.`);
  const { compactDataDir } = await import('../emulator');
  const report = await compactDataDir(dataDir);
  ctx.output.status(
    `Compacted [${dataDir}]: removed ${report.objectsRemoved} objects that no version uses and ${report.leftoverFiles} leftover files, ` +
      `freeing ${(report.bytesFreed / 1024 / 1024).toFixed(1)} MiB; kept ${report.objectsKept} objects.`,
  );
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
  help: 'Directory where the emulator keeps its state (models, versions, operations, buckets and objects); it survives restarts. Default: $CLOUDSDK_CONFIG/emulators/ai-platform (~/.config/gcloud/emulators/ai-platform).',
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
      description:
        "Starts gcloud-aip's embedded emulator of the AI Platform (ml v1), Vertex AI and Cloud Storage JSON APIs in the foreground (this is gcloud-aip's own command: gcloud has no AI Platform emulator). Stop it with Ctrl-C; its state stays in --data-dir. Point gcloud-aip and gcloud at it with `$(gcloud-aip emulators ai-platform env-init)`.",
      examples:
        '    $ gcloud-aip emulators ai-platform start --host-port=localhost:8089 --buckets=my-staging &\n    $ $(gcloud-aip emulators ai-platform env-init)',
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
        'Prints `export` lines for the running emulator, e.g. `$(gcloud-aip emulators ai-platform env-init)`: the ml, storage and iamcredentials endpoints (`http://ml.localhost:PORT/`, which serves the global endpoint and, as `REGION-ml.localhost`, the regional ones), the region (`global`), the MLflow tracking URI, and whether requests carry credentials: those of the active account when the emulator issued its key (`gcloud auth activate-service-account` with a key from the emulator), none otherwise. It also exports GCLOUD_AIP_STRICT=true: gcloud-aip then refuses before any upload what the emulator would refuse. An emulator still starting (`start … &` just before) is waited for, up to 10 seconds; a data directory that does not exist is an error after 2 seconds. Where the system does not resolve `*.localhost` names, the emulator is also made the HTTP proxy (proxy/type, proxy/address, proxy/port), so that regional host names reach it from gcloud too.',
      examples: '    $ $(gcloud-aip emulators ai-platform env-init)',
    },
    run: envInit,
  }),
  defineCommand({
    path: ['emulators', 'ai-platform', 'compact'],
    tracks: ALL_TRACKS,
    positionals: [],
    standalone: true,
    defaultFormat: 'none',
    flags: ENV_INIT_FLAGS,
    help: {
      brief: "shrink a stopped emulator's data directory to what its versions use",
      description:
        "The data directory keeps the emulator's state (state.json: models, versions, operations, buckets, object metadata), every object (objects/) and the bodies of resumable uploads (uploads/). As in Cloud Storage, objects stay after the version that used them is deleted, and each deploy of a changed model stages a new folder, so the directory only grows. This command deletes every object that no existing version's deploymentUri holds (objects uploaded but never deployed too), the files of finished uploads, and files left by interrupted writes. Run it while the emulator is stopped.",
      examples: '    $ {command} --data-dir=/tmp/aip-emulator',
    },
    run: compact,
  }),
];
