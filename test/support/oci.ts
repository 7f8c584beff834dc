// Test-only OCI credentials built from the fixture keys (fixtures/oci/): a HOME with ~/.oci/config,
// and session tokens (JWTs) signed by the fixture issuer key.
import { createPrivateKey, createPublicKey, createSign } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { keyFingerprint } from '../../src/mlflow/oci-config';
import { FIXTURES } from './cli';
import { tempDir } from './temp';

export const OCI_FIXTURES = path.join(FIXTURES, 'oci');
export const PASS_PHRASE = 'fixture-pass-phrase';
export const PLAIN_FP = keyFingerprint(createPrivateKey(fs.readFileSync(path.join(OCI_FIXTURES, 'api_key.pem'))));
export const ENCRYPTED_FP = keyFingerprint(
  createPrivateKey({ key: fs.readFileSync(path.join(OCI_FIXTURES, 'api_key_encrypted.pem')), passphrase: PASS_PHRASE }),
);

/** A fresh HOME whose ~/.oci/ holds `config` and copies of the fixture keys (mode 600). */
export function ociHome(config: string): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = tempDir('oci-home-');
  fs.mkdirSync(path.join(dir, '.oci'));
  for (const file of ['api_key.pem', 'api_key_encrypted.pem', 'session_key.pem']) {
    fs.copyFileSync(path.join(OCI_FIXTURES, file), path.join(dir, '.oci', file));
    fs.chmodSync(path.join(dir, '.oci', file), 0o600);
  }
  fs.writeFileSync(path.join(dir, '.oci', 'config'), config, { mode: 0o600 });
  return { env: { HOME: dir }, dir };
}

/** A JWT signed by the fixture issuer key whose `jwk` claim is the public half of `keyFile`. */
export function sessionToken(claims: Record<string, unknown>, keyFile = path.join(OCI_FIXTURES, 'session_key.pem')): string {
  const jwk = createPublicKey(createPrivateKey(fs.readFileSync(keyFile))).export({ format: 'jwk' });
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: 'ocid1.user.oc1..session', jwk, ...claims })}`;
  return `${signed}.${createSign('RSA-SHA256')
    .update(signed)
    .sign(fs.readFileSync(path.join(OCI_FIXTURES, 'issuer_key.pem')), 'base64url')}`;
}
