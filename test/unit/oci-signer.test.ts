// OCI request signing (src/mlflow/oci-signer.ts): the signing string for each method, with and
// without a body; byte-for-byte equality with Oracle's own signer (oci-common's
// DefaultRequestSigner, a devDependency); and the verification the emulator does with it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as common from 'oci-common';
import { headersToSign, parseSignatureHeader, signatureProblem, signingString, signRequest } from '../../src/mlflow/oci-signer';
import { FIXTURES } from '../support/cli';

const KEY_PEM = fs.readFileSync(path.join(FIXTURES, 'oci', 'api_key.pem'), 'utf8');
const ENCRYPTED_PEM = fs.readFileSync(path.join(FIXTURES, 'oci', 'api_key_encrypted.pem'), 'utf8');
const PASS_PHRASE = 'fixture-pass-phrase';
const KEY = createPrivateKey(KEY_PEM);
const ENCRYPTED_KEY = createPrivateKey({ key: ENCRYPTED_PEM, passphrase: PASS_PHRASE });
const KEY_ID = 'ocid1.tenancy.oc1..aaaa/ocid1.user.oc1..bbbb/11:22:33:44:55:66:77:88:99:00:aa:bb:cc:dd:ee:ff';
const DATE = 'Sun, 05 Jan 2014 21:31:40 GMT';
const NOW = new Date(DATE);
const URL_ =
  'https://mlops.example.com:8443/20260430/aiDataPlatforms/ocid1.x/mlops/api/2.0/mlflow/model-versions/get?name=iris%20v&version=2';
const EMPTY_SHA = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

describe('the signing string', () => {
  test('GET: x-date, (request-target) with the query, host with its port', () => {
    const headers = signRequest({ method: 'GET', url: URL_, headers: {} }, { keyId: KEY_ID, privateKey: KEY }, NOW);
    assert.deepEqual(headersToSign('GET'), ['x-date', '(request-target)', 'host']);
    assert.equal(
      signingString('GET', URL_, headersToSign('GET'), headers),
      `x-date: ${DATE}\n(request-target): get /20260430/aiDataPlatforms/ocid1.x/mlops/api/2.0/mlflow/model-versions/get?name=iris%20v&version=2\nhost: mlops.example.com:8443`,
    );
    assert.equal(headers['content-length'], undefined);
    assert.equal(headers['x-content-sha256'], undefined);
  });

  test('GET with a body: the body is not signed (as OCI specifies for GET)', () => {
    const headers = signRequest({ method: 'GET', url: URL_, headers: {}, body: '{"a":1}' }, { keyId: KEY_ID, privateKey: KEY }, NOW);
    assert.match(headers.authorization, /headers="x-date \(request-target\) host"/);
  });

  for (const method of ['POST', 'PUT']) {
    test(`${method} with a body: content-type, content-length and x-content-sha256 of the UTF-8 bytes`, () => {
      const body = JSON.stringify({ name: 'iris é' });
      const headers = signRequest({ method, url: 'https://h.example.com/a/b', headers: {}, body }, { keyId: KEY_ID, privateKey: KEY }, NOW);
      assert.equal(headers['content-length'], String(Buffer.byteLength(body)));
      assert.equal(headers['content-type'], 'application/json');
      assert.equal(
        signingString(method, 'https://h.example.com/a/b', headersToSign(method), headers),
        `x-date: ${DATE}\n(request-target): ${method.toLowerCase()} /a/b\nhost: h.example.com\n` +
          `content-type: application/json\ncontent-length: 18\nx-content-sha256: ${headers['x-content-sha256']}`,
      );
      assert.match(
        headers.authorization,
        new RegExp(
          `^Signature version="1",keyId="${KEY_ID}",algorithm="rsa-sha256",headers="x-date \\(request-target\\) host content-type content-length x-content-sha256",signature="[A-Za-z0-9+/]+=*"$`,
        ),
      );
    });

    test(`${method} without a body: content-length 0 and the digest of nothing`, () => {
      const headers = signRequest({ method, url: 'https://h.example.com/a', headers: {} }, { keyId: KEY_ID, privateKey: KEY }, NOW);
      assert.equal(headers['content-length'], '0');
      assert.equal(headers['x-content-sha256'], EMPTY_SHA);
    });
  }

  test('a content-type the caller set is kept and signed', () => {
    const headers = signRequest(
      { method: 'POST', url: 'https://h/a', headers: { 'Content-Type': 'text/plain' }, body: 'x' },
      { keyId: KEY_ID, privateKey: KEY },
      NOW,
    );
    assert.match(signingString('POST', 'https://h/a', headersToSign('POST'), headers), /\ncontent-type: text\/plain\n/);
  });
});

describe("equal to Oracle's signer (oci-common DefaultRequestSigner), byte for byte", () => {
  async function ociCommon(method: string, url: string, body: string | undefined, pem: string, passPhrase: string | null) {
    const [tenancy, user, fingerprint] = KEY_ID.split('/');
    const provider = new common.SimpleAuthenticationDetailsProvider(
      tenancy,
      user,
      fingerprint,
      pem,
      passPhrase,
      common.Region.US_ASHBURN_1,
    );
    const headers = new Headers({ 'x-date': DATE });
    await new common.DefaultRequestSigner(provider).signHttpRequest({ method, uri: url, headers, body } as never);
    return Object.fromEntries(headers.entries());
  }

  const cases: [string, string, string | undefined][] = [
    ['GET', URL_, undefined],
    ['DELETE', 'https://h.example.com/x', undefined],
    ['POST', URL_, JSON.stringify({ name: 'iris', source: 'gs://b/m/', tags: [{ key: 'k', value: 'ü✓' }] })],
    ['POST', 'https://h.example.com/x', undefined],
    ['PUT', 'http://127.0.0.1:8089/20260430/aiDataPlatforms/p/mlops/api/2.0/mlflow/x', '{"a":[1,2,3]}'],
    ['PUT', 'https://h.example.com/x?y=z', ''],
  ];
  for (const [method, url, body] of cases) {
    for (const [label, pem, passPhrase, key] of [
      ['plain key', KEY_PEM, null, KEY],
      ['encrypted key', ENCRYPTED_PEM, PASS_PHRASE, ENCRYPTED_KEY],
    ] as const) {
      test(`${method} ${url.slice(0, 40)}… ${body === undefined ? 'no body' : `body of ${body.length}`}, ${label}`, async () => {
        const theirs = await ociCommon(method, url, body, pem, passPhrase);
        const ours = signRequest({ method, url, headers: {}, body }, { keyId: KEY_ID, privateKey: key }, NOW);
        const theirParams = parseSignatureHeader(theirs.authorization)!;
        const ourParams = parseSignatureHeader(ours.authorization)!;
        assert.equal(ourParams.signature, theirParams.signature);
        // The whole header too, but for the case of the header names: the spec writes them in
        // lower case, oci-common writes Content-Type and Content-Length.
        assert.equal(
          ours.authorization,
          theirs.authorization.replace(/headers="[^"]*"/, (h) => h.toLowerCase()),
        );
        for (const name of ['x-date', 'host', 'content-type', 'content-length', 'x-content-sha256'])
          assert.equal(ours[name], theirs[name], name);
      });
    }
  }
});

describe('verification (what the emulator checks)', () => {
  const publicKey = createPublicKey(KEY);
  const body = '{"name":"iris"}';
  const url = 'http://127.0.0.1:9/a?b=c';
  const signed = () => signRequest({ method: 'POST', url, headers: {}, body }, { keyId: KEY_ID, privateKey: KEY }, NOW);
  const check = (headers: Record<string, string>, overrides: { body?: string; url?: string; method?: string; now?: Date } = {}) =>
    signatureProblem(
      { method: overrides.method ?? 'POST', url: overrides.url ?? url, headers, body: overrides.body ?? body },
      parseSignatureHeader(headers.authorization)!,
      publicKey,
      overrides.now ?? NOW,
    );

  test('a good signature is accepted', () => {
    assert.equal(check(signed()), undefined);
  });
  test('a tampered signature, body, path or key is refused', () => {
    const headers = signed();
    const tampered = headers.authorization.replace(/signature="(.)/, (_, c: string) => `signature="${c === 'A' ? 'B' : 'A'}`);
    assert.equal(check({ ...headers, authorization: tampered }), 'the signature does not verify');
    assert.equal(check(headers, { body: '{"name":"iriS"}' }), 'x-content-sha256 does not match the body');
    assert.equal(check(headers, { url: 'http://127.0.0.1:9/a?b=d' }), 'the signature does not verify');
    assert.equal(
      signatureProblem(
        { method: 'POST', url, headers, body },
        parseSignatureHeader(headers.authorization)!,
        createPublicKey(ENCRYPTED_KEY),
        NOW,
      ),
      'the signature does not verify',
    );
  });
  test('a request older than five minutes is refused', () => {
    assert.match(check(signed(), { now: new Date(NOW.getTime() + 6 * 60_000) }) ?? '', /more than 5 minutes/);
  });
  test('a POST whose signature leaves out the body headers is refused', () => {
    const getStyle = signRequest({ method: 'GET', url, headers: {} }, { keyId: KEY_ID, privateKey: KEY }, NOW);
    assert.equal(check(getStyle), 'the signature does not cover content-type, content-length, x-content-sha256');
  });
  test('an authorization that is not a signature is not parsed as one', () => {
    assert.equal(parseSignatureHeader('Bearer abc'), undefined);
    assert.equal(parseSignatureHeader(undefined), undefined);
  });
});
