// How MLflow registry requests sign in (--mlflow-auth), and the OCI credentials behind each mode,
// found where OCI's CLI and SDKs find them:
//   bearer              MLFLOW_TRACKING_TOKEN (or basic auth), as MLflow's clients send it
//   api_key             the config file's profile: tenancy, user, fingerprint, key_file, pass_phrase
//   security_token      the profile's security_token_file (`oci session authenticate`) and key_file
//   instance_principal  the compute instance's identity, exchanged for a session token (oci-instance.ts)
//   resource_principal  OCI_RESOURCE_PRINCIPAL_VERSION=2.2 and its RPST, PRIVATE_PEM (+ PASSPHRASE)
// Default: api_key when the tracking URI is the OCI form and a config file exists, bearer otherwise.
// Everything is read and checked up front (before a deploy starts); secrets stay in this module.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { UserError } from '../errors';
import type { HttpClient } from '../net';
import type { Properties } from '../config/properties';
import type { Output } from '../ui/output';
import {
  configFilePath,
  keyFingerprint,
  loadPrivateKey,
  privateKeyFromPem,
  MAX_OCI_FILE_BYTES,
  profileName,
  readProfile,
  requireKeys,
  expandHome,
} from './oci-config';
import { instancePrincipalKey } from './oci-instance';
import { signRequest, type SignableRequest, type SigningKey } from './oci-signer';
import type { TrackingServer } from './tracking';
import { readRegularFile } from '../io/bounded-read';

export const AUTH_MODES = ['bearer', 'api_key', 'security_token', 'instance_principal', 'resource_principal'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface RequestSigner {
  mode: Exclude<AuthMode, 'bearer'>;
  /** What signs, safe to print: the API key's keyId, or which token (never the token). */
  keyIdForDisplay: string;
  /** The request's headers with the OCI signature added (instance principals first fetch their token). */
  sign(request: SignableRequest): Promise<Record<string, string>>;
}

export interface OciAuthOptions {
  /** --mlflow-auth; undefined: the default rule. */
  mode?: string;
  /** --mlflow-oci-profile. */
  profile?: string;
  /** Whether the tracking URI is the OCI AI Data Platform form. */
  oci: boolean;
  env: NodeJS.ProcessEnv;
  /** The CLI's HTTP client (instance principals ask the metadata service and the federation endpoint). */
  http: HttpClient;
  warn: (message: string) => void;
  /** The flag names, for messages (`--mlflow-auth`, or `--auth` on the standalone command). */
  authFlag: string;
}

/** The mode the options and environment select, by the rule in the module comment. */
export function chooseAuthMode(options: Pick<OciAuthOptions, 'mode' | 'oci' | 'env' | 'authFlag'>): AuthMode {
  if (options.mode !== undefined) {
    if (!(AUTH_MODES as readonly string[]).includes(options.mode)) {
      throw new UserError(`Invalid ${options.authFlag} [${options.mode}]: expected one of ${AUTH_MODES.join(', ')}.`);
    }
    return options.mode as AuthMode;
  }
  return options.oci && fs.existsSync(configFilePath(options.env)) ? 'api_key' : 'bearer';
}

/** The signer for the selected mode; undefined for bearer (the Authorization header of tracking.ts). */
export function requestSigner(options: OciAuthOptions): RequestSigner | undefined {
  const mode = chooseAuthMode(options);
  if (mode === 'bearer') return undefined;
  if (!options.oci) {
    throw new UserError(
      `${options.authFlag}=${mode} signs requests to an OCI AI Data Platform (https://HOST/20260430/aiDataPlatforms/ID/mlops); this tracking URI is not one.`,
    );
  }
  switch (mode) {
    case 'api_key':
      return apiKeySigner(options);
    case 'security_token':
      return securityTokenSigner(options);
    case 'instance_principal':
      return instancePrincipalSigner(options.env, options.http);
    case 'resource_principal':
      return resourcePrincipalSigner(options.env, options.authFlag);
  }
}

/** What choosing and announcing a signer uses of the command that runs it (a narrow view of its context). */
export interface SignerContext {
  env: NodeJS.ProcessEnv;
  http(): HttpClient;
  output: Output;
  properties: Properties;
}

/** The signer a command's flags select for requests to `server`, with the command's environment, client and warnings. */
export function commandSigner(
  ctx: Pick<SignerContext, 'env' | 'http' | 'output'>,
  server: TrackingServer,
  flags: { mode?: string; profile?: string; authFlag: string },
): RequestSigner | undefined {
  return requestSigner({
    ...flags,
    oci: server.aiDataPlatformId !== undefined,
    env: ctx.env,
    http: ctx.http(),
    warn: (message) => ctx.output.warning(message),
  });
}

/** The token is fetched on the first request (the metadata service is only there on OCI) and kept. */
function instancePrincipalSigner(env: NodeJS.ProcessEnv, http: HttpClient): RequestSigner {
  let key: Promise<SigningKey> | undefined;
  return {
    mode: 'instance_principal',
    keyIdForDisplay: 'ST$<instance principal session token>',
    sign: async (request) => signRequest(request, await (key ??= instancePrincipalKey(env, http))),
  };
}

/** Says which key signs (never the key or token): with --log-http, above the redacted headers; else at info. */
export function announceSigner(signer: RequestSigner | undefined, ctx: Pick<SignerContext, 'output' | 'properties'>): void {
  if (!signer) return;
  const line = `MLflow registry requests are signed (${signer.mode}) with keyId [${signer.keyIdForDisplay}].`;
  if (ctx.properties.getBool('core/log_http', false)) ctx.output.raw(`${line}\n`);
  else ctx.output.info(line);
}

function apiKeySigner(options: OciAuthOptions): RequestSigner {
  const profile = readProfile(configFilePath(options.env), profileName(options.profile, options.env), options.warn);
  requireKeys(profile, ['tenancy', 'user', 'fingerprint', 'key_file'], 'API key signing');
  const { tenancy, user, fingerprint } = profile.values;
  const key = profileKey(profile.values, options, profile.name);
  const actual = keyFingerprint(key);
  if (actual !== fingerprint.toLowerCase()) {
    throw new UserError(
      `The fingerprint [${fingerprint}] of profile [${profile.name}] is not the one of its key_file [${actual}]: the key is not the API key OCI knows by that fingerprint.`,
    );
  }
  const keyId = `${tenancy}/${user}/${fingerprint}`;
  return { mode: 'api_key', keyIdForDisplay: keyId, sign: async (request) => signRequest(request, { keyId, privateKey: key }) };
}

function securityTokenSigner(options: OciAuthOptions): RequestSigner {
  const profile = readProfile(configFilePath(options.env), profileName(options.profile, options.env), options.warn);
  requireKeys(profile, ['security_token_file', 'key_file'], `${options.authFlag}=security_token`);
  const tokenFile = expandHome(profile.values.security_token_file, options.env);
  const token = readToken(tokenFile, `security_token_file of profile [${profile.name}]`);
  const expired = tokenExpiry(token);
  if (expired !== undefined && expired <= Date.now()) {
    throw new UserError(
      `The session token of profile [${profile.name}] expired at ${new Date(expired).toISOString()}: refresh it with \`oci session refresh --profile ${profile.name}\`.`,
    );
  }
  const key = profileKey(profile.values, options, profile.name);
  return {
    mode: 'security_token',
    keyIdForDisplay: `ST$<session token of profile ${profile.name}>`,
    sign: async (request) => signRequest(request, { keyId: `ST$${token}`, privateKey: key }),
  };
}

/** Resource principals, version 2.2 (what OCI Functions, Data Science jobs and the SDKs use). */
function resourcePrincipalSigner(env: NodeJS.ProcessEnv, authFlag: string): RequestSigner {
  const version = env.OCI_RESOURCE_PRINCIPAL_VERSION;
  if (!version)
    throw new UserError(`${authFlag}=resource_principal needs OCI_RESOURCE_PRINCIPAL_VERSION (set by the OCI service the job runs in).`);
  if (version !== '2.2') throw new UserError(`OCI_RESOURCE_PRINCIPAL_VERSION [${version}] is not supported: gcloud-aip reads version 2.2.`);
  const missing = ['OCI_RESOURCE_PRINCIPAL_RPST', 'OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM'].filter((name) => !env[name]);
  if (missing.length) throw new UserError(`Resource principal version 2.2 needs ${missing.join(' and ')}.`);
  // Each is either the value itself or an absolute path to a file holding it, as the SDKs read them.
  const rpst = env.OCI_RESOURCE_PRINCIPAL_RPST!;
  const token = path.isAbsolute(rpst) ? readToken(rpst, 'OCI_RESOURCE_PRINCIPAL_RPST') : rpst;
  const pem = env.OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM!;
  const passSetting = env.OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE;
  let key: KeyObject;
  if (path.isAbsolute(pem)) {
    if (passSetting && !path.isAbsolute(passSetting)) {
      throw new UserError(
        'OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM is a path, so OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE must be one too.',
      );
    }
    const passPhrase = passSetting ? readToken(passSetting, 'OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE') : undefined;
    key = loadPrivateKey(pem, passPhrase, 'OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM', () => undefined);
  } else {
    key = privateKeyFromPem(pem, passSetting, 'the key in OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM');
  }
  return {
    mode: 'resource_principal',
    keyIdForDisplay: 'ST$<resource principal session token>',
    sign: async (request) => signRequest(request, { keyId: `ST$${token}`, privateKey: key }),
  };
}

function profileKey(values: Record<string, string>, options: OciAuthOptions, profile: string): KeyObject {
  const file = expandHome(values.key_file, options.env);
  return loadPrivateKey(file, values.pass_phrase || undefined, `key_file of profile [${profile}]`, options.warn);
}

function readToken(file: string, origin: string): string {
  try {
    const token = readRegularFile(file, MAX_OCI_FILE_BYTES).toString('utf8').trim();
    if (!token) throw new UserError(`The file [${file}] (${origin}) is empty.`);
    return token;
  } catch (err) {
    if (err instanceof UserError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`The file [${file}] (${origin}) does not exist.`);
    throw new UserError(`Unable to read [${file}] (${origin}): ${(err as Error).message}`);
  }
}

/** A JWT's `exp`, in milliseconds; undefined when the token is not a JWT or has none. */
function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
