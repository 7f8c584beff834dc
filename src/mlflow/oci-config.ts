// The OCI config file as OCI's CLI and SDKs read it: OCI_CLI_CONFIG_FILE, else OCI_CONFIG_FILE,
// else ~/.oci/config; INI sections are profiles, and a profile inherits what [DEFAULT] sets;
// `key_file` and `security_token_file` may start with `~`. Keys are loaded with node:crypto
// (PKCS#8 or traditional PEM, encrypted with `pass_phrase` or not) and never leave this process.
import { createPrivateKey, createPublicKey, createHash, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { readRegularFile } from '../io/bounded-read';

export const DEFAULT_PROFILE = 'DEFAULT';

export interface OciProfile {
  /** The config file it was read from, and the profile's name (for messages). */
  file: string;
  name: string;
  values: Record<string, string>;
}

/** Where the config file is (it may not exist). */
export function configFilePath(env: NodeJS.ProcessEnv): string {
  return expandHome(env.OCI_CLI_CONFIG_FILE || env.OCI_CONFIG_FILE || '~/.oci/config', env);
}

/** `--mlflow-oci-profile`, else OCI_CLI_PROFILE, else DEFAULT. */
export function profileName(flagValue: string | undefined, env: NodeJS.ProcessEnv): string {
  return flagValue || env.OCI_CLI_PROFILE || DEFAULT_PROFILE;
}

export function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  if (file !== '~' && !file.startsWith('~/')) return file;
  return path.join(env.HOME || os.homedir(), file.slice(1));
}

/** Sections of an OCI config file; `#` and `;` start comment lines. */
export function parseConfigText(text: string, file: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      const name = section[1].trim();
      current = sections.get(name) ?? {};
      sections.set(name, current);
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UserError(`Invalid OCI config file [${file}], line ${index + 1}: expected KEY=VALUE or [PROFILE].`);
    if (!current) throw new UserError(`Invalid OCI config file [${file}], line ${index + 1}: a value before any [PROFILE] section.`);
    current[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  });
  return sections;
}

/** OCI config, key and token files are a few KiB. */
export const MAX_OCI_FILE_BYTES = 1024 * 1024;

export function readProfile(file: string, name: string, warn: (message: string) => void): OciProfile {
  let text: string;
  try {
    text = readRegularFile(file, MAX_OCI_FILE_BYTES).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        `The OCI config file [${file}] does not exist: create it with \`oci setup config\`, or point OCI_CLI_CONFIG_FILE at yours.`,
      );
    }
    throw new UserError(`Unable to read the OCI config file [${file}]: ${(err as Error).message}`);
  }
  warnIfOpen(file, 'config file', warn);
  const sections = parseConfigText(text, file);
  const own = sections.get(name);
  if (!own) {
    const known = [...sections.keys()].join(', ') || 'none';
    throw new UserError(`The OCI config file [${file}] has no profile [${name}] (profiles: ${known}).`);
  }
  return { file, name, values: { ...(name === DEFAULT_PROFILE ? {} : sections.get(DEFAULT_PROFILE)), ...own } };
}

/** The values a way of signing in needs, or a UserError naming every missing one. */
export function requireKeys(profile: OciProfile, keys: string[], purpose: string): void {
  const missing = keys.filter((k) => !profile.values[k]);
  if (missing.length) {
    throw new UserError(
      `Profile [${profile.name}] of the OCI config file [${profile.file}] lacks ${missing.join(', ')}, needed for ${purpose}.`,
    );
  }
}

/** A private key from a PEM file; `passPhrase` for an encrypted one. `origin` names where the path came from. */
export function loadPrivateKey(file: string, passPhrase: string | undefined, origin: string, warn: (message: string) => void): KeyObject {
  let pem: Buffer;
  try {
    pem = readRegularFile(file, MAX_OCI_FILE_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`The key file [${file}] (${origin}) does not exist.`);
    if (code === 'EACCES')
      throw new UserError(`The key file [${file}] (${origin}) is not readable by this user: check its owner and permissions.`);
    throw new UserError(`Unable to read the key file [${file}] (${origin}): ${(err as Error).message}`);
  }
  warnIfOpen(file, 'key file', warn);
  return privateKeyFromPem(pem, passPhrase, `the key file [${file}] (${origin})`);
}

/** `what` names the key in messages; never its content. */
export function privateKeyFromPem(pem: Buffer | string, passPhrase: string | undefined, what: string): KeyObject {
  const encrypted = /ENCRYPTED/.test(pem.toString('latin1', 0, 200));
  if (encrypted && !passPhrase) throw new UserError(`${capitalise(what)} is encrypted, and no pass phrase was given (pass_phrase).`);
  let key: KeyObject;
  try {
    key = createPrivateKey(passPhrase ? { key: pem, format: 'pem', passphrase: passPhrase } : { key: pem, format: 'pem' });
  } catch {
    throw new UserError(encrypted ? `The pass phrase of ${what} is wrong.` : `${capitalise(what)} is not a PEM private key.`);
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new UserError(`${capitalise(what)} is a ${key.asymmetricKeyType ?? 'non-RSA'} key: OCI signs with RSA keys.`);
  return key;
}

/** OCI's key fingerprint: MD5 of the DER public key, as colon-separated hex pairs. */
export function keyFingerprint(key: KeyObject): string {
  const der = (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' });
  return createHash('md5').update(der).digest('hex').match(/../g)!.join(':');
}

/** OCI's CLI warns when a key or config file can be read by others; so do we (it still works). */
function warnIfOpen(file: string, what: string, warn: (message: string) => void): void {
  if (process.platform === 'win32') return;
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    return;
  }
  if (mode & 0o077) {
    warn(
      `Permissions on the OCI ${what} [${file}] are too open (${mode.toString(8).padStart(4, '0')}): only you should be able to read it (chmod 600 ${file}).`,
    );
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
