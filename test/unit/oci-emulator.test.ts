// The emulator's OCI side in-process: whom OciTrust believes, and the instance metadata service and
// federation endpoint of --oci-metadata-dir (what they refuse).
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OciTrust } from '../../src/emulator/oci/trust';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { pemBody } from '../../src/mlflow/oci-instance';
import { signRequest } from '../../src/mlflow/oci-signer';
import { ENCRYPTED_FP, OCI_FIXTURES, ociHome, PASS_PHRASE, PLAIN_FP, sessionToken } from '../support/oci';

const URL_ = 'http://127.0.0.1:1/20260430/aiDataPlatforms/p/mlops/api/2.0/mlflow/registered-models/get?name=a';
const plainKey = createPrivateKey(fs.readFileSync(path.join(OCI_FIXTURES, 'api_key.pem')));
const sessionKey = createPrivateKey(fs.readFileSync(path.join(OCI_FIXTURES, 'session_key.pem')));
const signed = (keyId: string, privateKey = plainKey) => ({
  method: 'GET',
  url: URL_,
  headers: signRequest({ method: 'GET', url: URL_, headers: {} }, { keyId, privateKey }),
});

describe('OciTrust', () => {
  test('a config file: its API keys by exact keyId, its session tokens; an encrypted key_file read with pass_phrase', () => {
    const { dir } = ociHome(
      `[DEFAULT]\ntenancy=t\nuser=u\nfingerprint=${PLAIN_FP}\nkey_file=~/.oci/api_key.pem\n\n[ENC]\nuser=e\nfingerprint=${ENCRYPTED_FP}\nkey_file=~/.oci/api_key_encrypted.pem\npass_phrase=${PASS_PHRASE}\n\n[S]\nkey_file=~/.oci/session_key.pem\nsecurity_token_file=~/tok\n`,
    );
    fs.writeFileSync(path.join(dir, 'tok'), 'the-token\n');
    const trust = OciTrust.load([path.join(dir, '.oci', 'config')], { HOME: dir });
    assert.equal(trust.problem(signed(`t/u/${PLAIN_FP}`)), undefined);
    assert.equal(trust.problem(signed(`t/other/${PLAIN_FP}`)), `unknown keyId [t/other/${PLAIN_FP}]`);
    assert.equal(
      trust.problem(
        signed(
          `t/e/${ENCRYPTED_FP}`,
          createPrivateKey({ key: fs.readFileSync(path.join(OCI_FIXTURES, 'api_key_encrypted.pem')), passphrase: PASS_PHRASE }),
        ),
      ),
      undefined,
    );
    assert.equal(trust.problem(signed('ST$the-token', sessionKey)), undefined);
    assert.equal(trust.problem(signed('ST$the-token', plainKey)), 'the signature does not verify');
    assert.equal(
      trust.problem({ method: 'GET', url: URL_, headers: { authorization: 'Bearer x' } }),
      'no OCI signature in the authorization header',
    );
  });

  test('a PEM key: API keys with its fingerprint, and JWT session tokens it signed (not expired, with a jwk)', () => {
    const trust = OciTrust.load([path.join(OCI_FIXTURES, 'api_key_public.pem'), path.join(OCI_FIXTURES, 'issuer_key_public.pem')]);
    assert.equal(trust.problem(signed(`any/one/${PLAIN_FP}`)), undefined);
    assert.equal(trust.problem(signed(`any/one/${ENCRYPTED_FP}`)), `unknown keyId [any/one/${ENCRYPTED_FP}]`);
    const future = Math.floor(Date.now() / 1000) + 60;
    assert.equal(trust.problem(signed(`ST$${sessionToken({ exp: future })}`, sessionKey)), undefined);
    assert.equal(trust.problem(signed(`ST$${sessionToken({ exp: 1000 })}`, sessionKey)), 'an expired session token');
    const forged = sessionToken({ exp: future }).replace(/\.[^.]+$/, '.AAAA');
    assert.equal(trust.problem(signed(`ST$${forged}`, sessionKey)), 'a session token no trusted key signed');
    assert.equal(trust.problem(signed('ST$opaque', sessionKey)), 'an unknown session token');
  });
});

describe("the emulator's instance metadata service and federation endpoint", () => {
  let emu: RunningEmulator;
  const imds = path.join(OCI_FIXTURES, 'imds');
  const certificate = new X509Certificate(fs.readFileSync(path.join(imds, 'identity', 'cert.pem')));
  const instanceKey = createPrivateKey(fs.readFileSync(path.join(imds, 'identity', 'key.pem')));
  before(async () => {
    emu = await startEmulator({ port: 0, ociMetadataDir: imds });
  });
  after(async () => {
    await emu.close();
  });

  test('metadata: files of the directory with Authorization: Bearer Oracle; 401 without; 404 outside it', async () => {
    const get = (p: string, headers: Record<string, string> = { authorization: 'Bearer Oracle' }) =>
      fetch(new URL(p, emu.url), { headers });
    const region = await get('/opc/v2/instance/canonicalRegionName');
    assert.deepEqual([region.status, await region.text()], [200, 'us-ashburn-1']);
    assert.equal((await get('/opc/v2/identity/cert.pem', {})).status, 401);
    assert.equal((await get('/opc/v2/identity/nothing.pem')).status, 404);
    assert.equal((await get('/opc/v2/%2E%2E/README.md')).status, 404);
  });

  test("federation: a token only for this instance's certificate, signed with its key", async () => {
    const url = new URL('/v1/x509', emu.url).toString();
    const session = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const bodyFor = (cert: string) =>
      JSON.stringify({
        certificate: cert,
        publicKey: pemBody(session.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
        intermediateCertificates: [],
        purpose: 'DEFAULT',
      });
    const keyId = `ocid1.tenancy.oc1..e2e/fed-x509/${certificate.fingerprint}`;
    const post = async (body: string, key = instanceKey, id = keyId) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: signRequest({ method: 'POST', url, headers: {}, body }, { keyId: id, privateKey: key }),
        body,
      });
      return {
        status: res.status,
        body: (await res.json()) as { token?: string; code?: string },
        problem: res.headers.get('x-emulator-auth-problem'),
      };
    };
    const good = await post(bodyFor(pemBody(certificate.toString())));
    assert.equal(good.status, 200);
    const claims = JSON.parse(Buffer.from(good.body.token!.split('.')[1], 'base64url').toString()) as {
      tenant: string;
      jwk: { n: string };
    };
    assert.equal(claims.tenant, 'ocid1.tenancy.oc1..e2e');
    assert.equal(claims.jwk.n, session.publicKey.export({ format: 'jwk' }).n);

    assert.deepEqual(await post(bodyFor(pemBody(certificate.toString())), plainKey), {
      status: 401,
      body: { code: 'NotAuthenticated', message: 'The required information to complete authentication was not provided or was incorrect.' },
      problem: 'the signature does not verify',
    });
    assert.equal((await post(bodyFor('MIIB'))).problem, 'not the certificate of this instance');
    assert.match((await post(bodyFor(pemBody(certificate.toString())), instanceKey, 'other/fed-x509/00')).problem ?? '', /^keyId is not /);
  });
});

describe('issue 30: --require-issued-tokens and the tokens the emulator makes or checks itself', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({
      port: 0,
      operationDelayMs: 0,
      oauth: { requireIssuedTokens: true },
      ociTrust: [path.join(OCI_FIXTURES, 'api_key_public.pem')],
    });
  });
  after(() => emulator.close());

  test('a validly signed OCI request is served; a badly signed one gets OCI 401, not a Google one', async () => {
    const url = `${emulator.url}20260430/aiDataPlatforms/p/mlops/api/2.0/mlflow/registered-models/search`;
    const good = await fetch(url, {
      headers: signRequest({ method: 'GET', url, headers: {} }, { keyId: `t/u/${PLAIN_FP}`, privateKey: plainKey }),
    });
    assert.equal(good.status, 200, await good.text());
    const bad = await fetch(url, {
      headers: signRequest({ method: 'GET', url, headers: {} }, { keyId: `t/u/${PLAIN_FP}`, privateKey: sessionKey }),
    });
    assert.equal(bad.status, 401);
    assert.match(await bad.text(), /NotAuthenticated/);
  });

  test('a token from its own impersonation endpoint is accepted, as the impersonated account', async () => {
    const key = emulator.createServiceAccountKey('caller@test-project.iam.gserviceaccount.com');
    const { jwtBearerGrant } = await import('../../src/credentials/grants');
    const post = async (u: string, form: Record<string, string>) => {
      const res = await fetch(u, { method: 'POST', body: new URLSearchParams(form) });
      return { status: res.status, body: await res.text() };
    };
    const caller = (await jwtBearerGrant(key, key.token_uri, post)).accessToken;
    const target = 'deployer@test-project.iam.gserviceaccount.com';
    const minted = await fetch(`${emulator.url}v1/projects/-/serviceAccounts/${target}:generateAccessToken`, {
      method: 'POST',
      headers: { authorization: `Bearer ${caller}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: ['https://www.googleapis.com/auth/cloud-platform'], lifetime: '600s' }),
    });
    assert.equal(minted.status, 200);
    const { accessToken } = (await minted.json()) as { accessToken: string };
    emulator.clearRequests();
    const list = await fetch(`${emulator.url}v1/projects/test-project/models`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(list.status, 200, await list.text());
    assert.equal(emulator.requests().at(-1)?.principal, target);
  });
});
