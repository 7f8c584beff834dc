// The registry client on an OCI AI Data Platform: OCI's error statuses worded as its reference
// words them, with the opc-request-id and what to check; a create retried with its opc-retry-token
// and answered 409 resolves to the version the first attempt made; signed requests.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Output } from '../../src/ui/output';
import type { Clock, HttpClient, HttpRequest, HttpResponse } from '../../src/net';
import { MlflowClient, registerModelVersion } from '../../src/mlflow/client';
import { requestSigner } from '../../src/mlflow/oci-auth';
import { parseSignatureHeader } from '../../src/mlflow/oci-signer';
import { trackingServer } from '../../src/mlflow/tracking';
import { ociHome, PLAIN_FP } from '../support/oci';

const SERVER = trackingServer('https://adp.example.com/20260430/aiDataPlatforms/ocid1.p/mlops', {}, '--f');
const REQUEST = { name: 'iris', source: 'gs://b/m/', tags: [{ key: 'ai-platform.version', value: 'projects/p/models/iris/versions/v1' }] };
const REQUEST_ID = 'A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6';

/** Answers in order, each with OCI's opc-request-id header; records what was sent. */
function ociHttp(answers: { status: number; body: unknown }[]): { http: HttpClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const request = async (req: HttpRequest): Promise<HttpResponse> => {
    sent.push(req);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected ${req.method} ${req.url}`);
    return {
      status: answer.status,
      headers: { 'opc-request-id': REQUEST_ID },
      body: Buffer.from(JSON.stringify(answer.body)),
      retried: false,
    };
  };
  return { http: { request } as unknown as HttpClient, sent };
}

/** Back-off waits that take no time. */
const instantClock: Clock = { now: () => 0, sleep: async () => undefined, random: () => 0.5 };

const quiet = () =>
  new Output({ stdout: new PassThrough(), stderr: new PassThrough(), userOutputEnabled: true, verbosity: 'warning', interactive: false });
const exists = { status: 200, body: { registered_model: { name: 'iris' } } };

describe('OCI error wording', () => {
  const cases: [number, string, RegExp][] = [
    [
      401,
      'NotAuthenticated',
      /HTTP 401 Unauthorized \(missing or expired credentials, and so on\)\. NotAuthenticated: m\. The request carried no OCI signature: /,
    ],
    [
      404,
      'NotAuthorizedOrNotFound',
      /HTTP 404 Not Found\. The requested resource was not found\. NotAuthorizedOrNotFound: m\. Check the aiDataPlatformId in the tracking URI/,
    ],
    [409, 'Conflict', /HTTP 409 Conflict\. Request conflicts with the current state of the resource\. Conflict: m \(/],
    [429, 'TooManyRequests', /HTTP 429 Too Many Requests\. Too many requests sent to the server in a short period\. TooManyRequests: m \(/],
  ];
  for (const [status, code, wording] of cases) {
    test(`${status} ${code}`, async () => {
      // A 409 on the create looks for the version made first; here there is none. A 429 is tried 5 times.
      const refusal = { status, body: { code, message: 'm' } };
      const { http } = ociHttp([
        exists,
        ...(status === 429 ? Array(5).fill(refusal) : [refusal]),
        ...(status === 409 ? [{ status: 200, body: {} }] : []),
      ]);
      await assert.rejects(
        registerModelVersion(new MlflowClient(SERVER, http, undefined, instantClock), REQUEST, quiet()),
        (err: Error) => {
          assert.match(err.message, /^The MLflow registry refused model-versions\/create: /);
          assert.match(err.message, wording);
          assert.match(err.message, new RegExp(`\\(opc-request-id: ${REQUEST_ID}\\)$`));
          return true;
        },
      );
    });
  }

  test('401 on a signed request names the keyId that signed', async () => {
    const { env } = ociHome(`[DEFAULT]\ntenancy=t\nuser=u\nfingerprint=${PLAIN_FP}\nkey_file=~/.oci/api_key.pem\n`);
    const { http, sent } = ociHttp([{ status: 401, body: { code: 'NotAuthenticated', message: 'm' } }]);
    const signer = requestSigner({ oci: true, env, http, warn: () => undefined, authFlag: '--auth' });
    await assert.rejects(
      registerModelVersion(new MlflowClient(SERVER, http, signer), REQUEST, quiet()),
      new RegExp(`The request was signed \\(api_key\\) with keyId \\[t/u/${PLAIN_FP}\\]: check that OCI knows this key`),
    );
    assert.equal(parseSignatureHeader(sent[0].headers?.authorization)?.keyId, `t/u/${PLAIN_FP}`);
  });
});

describe('a create retried with its opc-retry-token', () => {
  const made = (version: string, extra: Record<string, unknown> = {}) => ({
    name: 'iris',
    version,
    source: REQUEST.source,
    status: 'READY',
    tags: REQUEST.tags,
    ...extra,
  });

  test('answered 409: the version the first attempt made is the result, found by model-versions/search', async () => {
    const { http, sent } = ociHttp([
      exists,
      { status: 409, body: { code: 'Conflict', message: 'retry token already used' } },
      { status: 200, body: { model_versions: [made('3', { source: 'gs://other/' }), made('2'), made('1', { tags: [] })] } },
    ]);
    const version = await registerModelVersion(new MlflowClient(SERVER, http), REQUEST, quiet());
    assert.equal(version.version, '2');
    assert.equal(sent[2].method, 'GET');
    assert.equal(
      new URL(sent[2].url).searchParams.get('filter'),
      "name='iris' AND tags.`ai-platform.version`='projects/p/models/iris/versions/v1'",
    );
  });
});

describe('answers read as OCI writes them', () => {
  test('a created version whose optional fields are null counts as registered', async () => {
    const nulls = {
      name: 'iris',
      version: '1',
      status: 'READY',
      run_id: null,
      status_message: null,
      description: null,
      tags: null,
      source: null,
    };
    const { http } = ociHttp([exists, { status: 200, body: { model_version: nulls } }]);
    const version = await registerModelVersion(new MlflowClient(SERVER, http, undefined, instantClock), REQUEST, quiet());
    assert.deepEqual([version.version, version.status, version.run_id], ['1', 'READY', null]);
  });
});
