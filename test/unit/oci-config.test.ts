// OCI credentials as OCI's CLI and SDKs find them (src/mlflow/oci-config.ts, oci-auth.ts): the
// config file and its profiles, `~`, missing keys, encrypted keys, permissions, the default mode,
// session tokens and resource principals.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseAuthMode, requestSigner, type OciAuthOptions } from '../../src/mlflow/oci-auth';
import { configFilePath, loadPrivateKey, parseConfigText, profileName, readProfile } from '../../src/mlflow/oci-config';
import { UserError } from '../../src/errors';
import { parseSignatureHeader, signatureProblem } from '../../src/mlflow/oci-signer';
import { ENCRYPTED_FP, OCI_FIXTURES, ociHome, PLAIN_FP, sessionToken } from '../support/oci';
import { testHttp } from '../support/net';

const OCI = OCI_FIXTURES;
const home = ociHome;
const URL_ = 'https://adp.example.com/20260430/aiDataPlatforms/ocid1.p/mlops/api/2.0/mlflow/registered-models/get?name=iris';

function options(env: NodeJS.ProcessEnv, extra: Partial<OciAuthOptions> = {}): OciAuthOptions & { warnings: string[] } {
  const warnings: string[] = [];
  return { oci: true, env, http: testHttp(), warn: (m) => warnings.push(m), authFlag: '--mlflow-auth', warnings, ...extra };
}

const PROFILES = `# written by oci setup config
[DEFAULT]
tenancy=ocid1.tenancy.oc1..shared
region=us-ashburn-1
user=ocid1.user.oc1..default
fingerprint=${PLAIN_FP}
key_file=~/.oci/api_key.pem

[CI]
user = ocid1.user.oc1..ci
fingerprint = ${ENCRYPTED_FP}
key_file = ~/.oci/api_key_encrypted.pem
pass_phrase = fixture-pass-phrase

; a profile that lacks what API keys need
[BROKEN]
tenancy=
`;

async function keyIdOf(opts: OciAuthOptions): Promise<string> {
  const signer = requestSigner(opts)!;
  const headers = await signer.sign({ method: 'GET', url: URL_, headers: {} });
  return parseSignatureHeader(headers.authorization)!.keyId;
}

describe('the config file', () => {
  test('OCI_CLI_CONFIG_FILE, then OCI_CONFIG_FILE, then ~/.oci/config; the profile from the flag, OCI_CLI_PROFILE, DEFAULT', () => {
    assert.equal(configFilePath({ HOME: '/h' }), '/h/.oci/config');
    assert.equal(configFilePath({ HOME: '/h', OCI_CONFIG_FILE: '~/other' }), '/h/other');
    assert.equal(configFilePath({ HOME: '/h', OCI_CONFIG_FILE: '/b', OCI_CLI_CONFIG_FILE: '/a' }), '/a');
    assert.equal(profileName(undefined, {}), 'DEFAULT');
    assert.equal(profileName(undefined, { OCI_CLI_PROFILE: 'CI' }), 'CI');
    assert.equal(profileName('X', { OCI_CLI_PROFILE: 'CI' }), 'X');
  });

  test('profiles inherit DEFAULT; comments and spaces around = are allowed', () => {
    const { dir } = home(PROFILES);
    const ci = readProfile(path.join(dir, '.oci', 'config'), 'CI', () => undefined);
    assert.equal(ci.values.tenancy, 'ocid1.tenancy.oc1..shared');
    assert.equal(ci.values.user, 'ocid1.user.oc1..ci');
    assert.equal(ci.values.pass_phrase, 'fixture-pass-phrase');
    assert.throws(() => parseConfigText('user=x\n', 'f'), /line 1: a value before any \[PROFILE\] section/);
    assert.throws(() => parseConfigText('[A]\njunk\n', 'f'), /line 2: expected KEY=VALUE/);
  });

  test('API key: keyId TENANCY/USER/FINGERPRINT, key_file with ~; another profile by flag or OCI_CLI_PROFILE, its key encrypted', async () => {
    const { env } = home(PROFILES);
    assert.equal(await keyIdOf(options(env)), `ocid1.tenancy.oc1..shared/ocid1.user.oc1..default/${PLAIN_FP}`);
    assert.equal(await keyIdOf(options(env, { profile: 'CI' })), `ocid1.tenancy.oc1..shared/ocid1.user.oc1..ci/${ENCRYPTED_FP}`);
    assert.equal(await keyIdOf(options({ ...env, OCI_CLI_PROFILE: 'CI' })), `ocid1.tenancy.oc1..shared/ocid1.user.oc1..ci/${ENCRYPTED_FP}`);
  });

  test('the signature verifies with the public half of the key', async () => {
    const { env } = home(PROFILES);
    const signed = await requestSigner(options(env, { profile: 'CI' }))!.sign({
      method: 'POST',
      url: URL_,
      headers: {},
      body: '{"name":"iris"}',
    });
    const publicKey = createPublicKey(fs.readFileSync(path.join(OCI, 'api_key_encrypted_public.pem')));
    assert.equal(
      signatureProblem(
        { method: 'POST', url: URL_, headers: signed, body: '{"name":"iris"}' },
        parseSignatureHeader(signed.authorization)!,
        publicKey,
      ),
      undefined,
    );
  });

  test('a missing file, profile or key is named, every missing key at once', () => {
    const { env, dir } = home(PROFILES);
    assert.throws(
      () => requestSigner(options({ ...env, OCI_CLI_CONFIG_FILE: path.join(dir, 'nope') }, { mode: 'api_key' })),
      /The OCI config file \[.*nope\] does not exist: create it with `oci setup config`/,
    );
    assert.throws(() => requestSigner(options(env, { profile: 'PROD' })), /has no profile \[PROD\] \(profiles: DEFAULT, CI, BROKEN\)/);
    const { env: bare } = home('[DEFAULT]\nregion=us-ashburn-1\n');
    assert.throws(
      () => requestSigner(options(bare)),
      /Profile \[DEFAULT\] of the OCI config file \[.*\] lacks tenancy, user, fingerprint, key_file, needed for API key signing\./,
    );
    const { env: noKey } = home(PROFILES.replace('key_file=~/.oci/api_key.pem', 'key_file=~/.oci/missing.pem'));
    assert.throws(
      () => requestSigner(options(noKey)),
      /The key file \[.*\/\.oci\/missing\.pem\] \(key_file of profile \[DEFAULT\]\) does not exist\./,
    );
  });

  test('an encrypted key: without pass_phrase, or with a wrong one, a clear error (no key material in it)', () => {
    const { env } = home(PROFILES.replace('pass_phrase = fixture-pass-phrase\n', ''));
    assert.throws(
      () => requestSigner(options(env, { profile: 'CI' })),
      (err: Error) => /is encrypted, and no pass phrase was given \(pass_phrase\)\./.test(err.message) && !err.message.includes('BEGIN'),
    );
    const { env: wrong } = home(PROFILES.replace('pass_phrase = fixture-pass-phrase', 'pass_phrase = not-it'));
    assert.throws(
      () => requestSigner(options(wrong, { profile: 'CI' })),
      /The pass phrase of the key file \[.*api_key_encrypted\.pem\] \(key_file of profile \[CI\]\) is wrong\./,
    );
  });

  test('a key file others can read: a warning as the OCI CLI gives, and it still signs', async () => {
    const { env, dir } = home(PROFILES);
    fs.chmodSync(path.join(dir, '.oci', 'api_key.pem'), 0o644);
    const opts = options(env);
    await keyIdOf(opts);
    assert.deepEqual(opts.warnings, [
      `Permissions on the OCI key file [${dir}/.oci/api_key.pem] are too open (0644): only you should be able to read it (chmod 600 ${dir}/.oci/api_key.pem).`,
    ]);
    const tight = options(home(PROFILES).env);
    await keyIdOf(tight);
    assert.deepEqual(tight.warnings, []);
  });

  test("a fingerprint that is not the key file's is refused before anything is sent", () => {
    const { env } = home(PROFILES.replace(`fingerprint=${PLAIN_FP}`, `fingerprint=${ENCRYPTED_FP}`));
    assert.throws(() => requestSigner(options(env)), /The fingerprint \[.*\] of profile \[DEFAULT\] is not the one of its key_file \[.*\]/);
  });
});

describe('the mode', () => {
  test('default: api_key for the OCI form when a config file exists, bearer otherwise', () => {
    const { env } = home(PROFILES);
    assert.equal(chooseAuthMode({ oci: true, env, authFlag: '--a' }), 'api_key');
    assert.equal(chooseAuthMode({ oci: false, env, authFlag: '--a' }), 'bearer');
    assert.equal(chooseAuthMode({ oci: true, env: { HOME: '/nonexistent' }, authFlag: '--a' }), 'bearer');
    assert.equal(chooseAuthMode({ oci: true, env, mode: 'bearer', authFlag: '--a' }), 'bearer');
    assert.equal(requestSigner(options(env, { mode: 'bearer' })), undefined);
  });

  test('a signing mode for a tracking URI that is not the OCI form is refused', () => {
    const { env } = home(PROFILES);
    assert.throws(
      () => requestSigner(options(env, { oci: false, mode: 'api_key' })),
      /--mlflow-auth=api_key signs requests to an OCI AI Data Platform/,
    );
  });
});

describe('session tokens and resource principals', () => {
  const sessionProfile =
    '[DEFAULT]\nregion=us-ashburn-1\ntenancy=ocid1.tenancy.oc1..t\nkey_file=~/.oci/session_key.pem\nsecurity_token_file=~/.oci/token\n';

  test('security_token: keyId ST$TOKEN, signed with the profile key; the token is never shown', async () => {
    const { env, dir } = home(sessionProfile);
    const token = sessionToken({ exp: Math.floor(Date.now() / 1000) + 3600 });
    fs.writeFileSync(path.join(dir, '.oci', 'token'), `${token}\n`);
    const signer = requestSigner(options(env, { mode: 'security_token' }))!;
    assert.equal(await keyIdOf(options(env, { mode: 'security_token' })), `ST$${token}`);
    assert.equal(signer.keyIdForDisplay, 'ST$<session token of profile DEFAULT>');
  });

  test('security_token: an expired token, or none, says what to run', () => {
    const { env, dir } = home(sessionProfile);
    fs.writeFileSync(path.join(dir, '.oci', 'token'), sessionToken({ exp: 1_000_000 }));
    assert.throws(
      () => requestSigner(options(env, { mode: 'security_token' })),
      /The session token of profile \[DEFAULT\] expired at 1970-01-12T13:46:40\.000Z: refresh it with `oci session refresh --profile DEFAULT`\./,
    );
    const { env: noFile } = home('[DEFAULT]\nkey_file=~/.oci/session_key.pem\n');
    assert.throws(
      () => requestSigner(options(noFile, { mode: 'security_token' })),
      /lacks security_token_file, needed for --mlflow-auth=security_token\./,
    );
  });

  test('resource_principal 2.2: the RPST and key as values or as absolute paths', async () => {
    const pem = fs.readFileSync(path.join(OCI, 'session_key.pem'), 'utf8');
    const base = { OCI_RESOURCE_PRINCIPAL_VERSION: '2.2', OCI_RESOURCE_PRINCIPAL_REGION: 'us-ashburn-1' };
    assert.equal(
      await keyIdOf(
        options(
          { ...base, OCI_RESOURCE_PRINCIPAL_RPST: 'rpst-value', OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: pem },
          { mode: 'resource_principal' },
        ),
      ),
      'ST$rpst-value',
    );
    const { dir } = home('');
    fs.writeFileSync(path.join(dir, 'rpst'), 'rpst-from-file\n');
    const fromFiles = {
      ...base,
      OCI_RESOURCE_PRINCIPAL_RPST: path.join(dir, 'rpst'),
      OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: path.join(dir, '.oci', 'session_key.pem'),
    };
    assert.equal(await keyIdOf(options(fromFiles, { mode: 'resource_principal' })), 'ST$rpst-from-file');
    assert.throws(
      () =>
        requestSigner(options({ ...fromFiles, OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE: 'inline' }, { mode: 'resource_principal' })),
      /must be one too/,
    );
  });

  test('resource_principal: a missing or unsupported version, or missing settings', () => {
    assert.throws(
      () => requestSigner(options({}, { mode: 'resource_principal' })),
      /--mlflow-auth=resource_principal needs OCI_RESOURCE_PRINCIPAL_VERSION/,
    );
    assert.throws(
      () => requestSigner(options({ OCI_RESOURCE_PRINCIPAL_VERSION: '1.1' }, { mode: 'resource_principal' })),
      /\[1\.1\] is not supported: gcloud-aip reads version 2\.2\./,
    );
    assert.throws(
      () => requestSigner(options({ OCI_RESOURCE_PRINCIPAL_VERSION: '2.2' }, { mode: 'resource_principal' })),
      /needs OCI_RESOURCE_PRINCIPAL_RPST and OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM\./,
    );
  });
});

test('issue 30: an OCI config or key file that is a device or a FIFO is refused unread', () => {
  const fifo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gcloud-aip-oci-fifo-')), 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  for (const [file, kind] of [
    ['/dev/zero', 'a character device'],
    [fifo, 'a FIFO \\(named pipe\\)'],
  ]) {
    assert.throws(
      () => readProfile(file, 'DEFAULT', () => undefined),
      (err: Error) =>
        err instanceof UserError &&
        new RegExp(`^Unable to read the OCI config file \\[${file}\\]: it is ${kind}, not a regular file$`).test(err.message),
    );
    assert.throws(
      () => loadPrivateKey(file, undefined, 'key_file of profile [DEFAULT]', () => undefined),
      (err: Error) => err instanceof UserError && new RegExp(`it is ${kind}, not a regular file$`).test(err.message),
    );
  }
});
