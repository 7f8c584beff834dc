// The registry client's own retries of model-versions/create, over a scripted HTTP client: after an
// answer that does not prove the registry did nothing (5xx, 408, a reset once sent), the version is
// looked up by the request's identity tag before the create is sent again, and adopted when found;
// answers that prove nothing happened (429, a connection never made) are simply sent again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentOutput } from '../support/net';
import { NetworkError, type Clock, type HttpClient, type HttpRequest, type HttpResponse } from '../../src/net';
import { MlflowClient, registerModelVersion } from '../../src/mlflow/client';
import { trackingServer } from '../../src/mlflow/tracking';

type Answer = { status: number; body: unknown; contentType?: string } | { fail: string; sent: boolean };

/** Answers in order; `fail` rejects as the HTTP client does (a NetworkError with the errno code). */
function scriptedHttp(answers: Answer[]): { http: HttpClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const request = async (req: HttpRequest): Promise<HttpResponse> => {
    sent.push(req);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${req.method} ${req.url}`);
    if ('fail' in answer) {
      const cause = Object.assign(new Error(answer.fail), { code: answer.fail });
      throw new NetworkError(req.url, `${answer.fail} at ${req.url}`, cause, answer.sent);
    }
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return {
      status: answer.status,
      headers: { 'content-type': answer.contentType ?? 'application/json' },
      body: Buffer.from(body),
      retried: false,
    };
  };
  return { http: { request } as unknown as HttpClient, sent };
}

const instantClock: Clock = { now: () => 0, sleep: async () => undefined, random: () => 0.5 };
const OPERATION = 'projects/p/operations/create_iris_v1-1';
const REQUEST = {
  name: 'iris',
  source: 'gs://b/iris/v1/',
  tags: [
    { key: 'ai-platform.version', value: 'projects/p/models/iris/versions/v1' },
    { key: 'ai-platform.operation', value: OPERATION },
  ],
};
const exists = { status: 200, body: { registered_model: { name: 'iris' } } };
const made = (version: string) => ({
  name: 'iris',
  version,
  source: REQUEST.source,
  run_id: '',
  status: 'READY',
  tags: REQUEST.tags,
  description: '',
  run_link: '',
});
const found = (...versions: string[]) => ({ status: 200, body: versions.length ? { model_versions: versions.map(made) } : {} });
const createdAnswer = { status: 200, body: { model_version: made('1') } };

async function register(answers: Answer[], request: typeof REQUEST | { name: string; source: string } = REQUEST, lookupFirst = false) {
  const { http, sent } = scriptedHttp(answers);
  const { output, text: stderr } = silentOutput();
  const client = new MlflowClient(trackingServer('http://h', {}, '--f'), http, undefined, instantClock);
  const result = registerModelVersion(client, request, output, { lookupFirst });
  return { result, sent, stderr, calls: () => sent.map((r) => `${r.method} ${new URL(r.url).pathname.replace('/api/2.0/mlflow/', '')}`) };
}

describe('model-versions/create: answers that leave the outcome open', () => {
  const uncertain: [string, Answer][] = [
    ['a gateway 502 (HTML)', { status: 502, body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' }],
    ['a 503', { status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' } }],
    ['a 408', { status: 408, body: '' }],
    ['a reset once the body was sent', { fail: 'ECONNRESET', sent: true }],
    ['a timeout once the body was sent', { fail: 'UND_ERR_HEADERS_TIMEOUT', sent: true }],
  ];
  for (const [what, answer] of uncertain) {
    test(`${what}: the version it made is found by its operation tag and adopted, with a warning; no second create`, async () => {
      const run = await register([exists, answer, found('1')]);
      const version = await run.result;
      assert.equal(version.version, '1');
      assert.deepEqual(run.calls(), ['GET registered-models/get', 'POST model-versions/create', 'GET model-versions/search']);
      const filter = new URL(run.sent[2].url).searchParams.get('filter');
      assert.equal(filter, `name='iris' AND tags.\`ai-platform.operation\`='${OPERATION}'`);
      assert.match(
        run.stderr(),
        /^WARNING: The create request got .*, but the registry had registered it: version \[1\] of MLflow model \[iris\] \(found by its tag ai-platform\.operation\)\./m,
      );
      assert.doesNotMatch(run.stderr(), /<html>/);
    });

    test(`${what}: nothing found, so the create is sent again; no warning`, async () => {
      const run = await register([exists, answer, found(), createdAnswer]);
      assert.equal((await run.result).version, '1');
      assert.deepEqual(run.calls(), [
        'GET registered-models/get',
        'POST model-versions/create',
        'GET model-versions/search',
        'POST model-versions/create',
      ]);
      assert.doesNotMatch(run.stderr(), /WARNING/);
    });
  }

  test('503 on every attempt: looked up before each new attempt and once more at the end; the refusal is the error', async () => {
    const busy: Answer = { status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' } };
    const run = await register([exists, busy, found(), busy, found(), busy, found(), busy, found(), busy, found()]);
    await assert.rejects(run.result, {
      message: 'The MLflow registry refused model-versions/create (HTTP 503 TEMPORARILY_UNAVAILABLE): busy',
    });
    assert.equal(run.calls().filter((c) => c === 'POST model-versions/create').length, 5);
    assert.equal(run.calls().filter((c) => c === 'GET model-versions/search').length, 5);
  });

  test('503 on every attempt, the first committed: adopted at the first look-up', async () => {
    const busy: Answer = { status: 503, body: {} };
    const run = await register([exists, busy, found('1')]);
    assert.equal((await run.result).version, '1');
    assert.equal(run.calls().filter((c) => c === 'POST model-versions/create').length, 1);
  });

  test('a search answer that omits its list, or holds nulls, is read as real servers write it', async () => {
    const nulls = { ...made('1'), run_id: null, description: null, tags: REQUEST.tags };
    const run = await register([exists, { status: 502, body: '' }, { status: 200, body: { model_versions: [nulls] } }]);
    assert.equal((await run.result).version, '1');
  });

  test('a version with other tags or another source is not adopted', async () => {
    const other = { ...made('1'), source: 'gs://b/iris/v0/' };
    const run = await register([exists, { status: 502, body: '' }, { status: 200, body: { model_versions: [other] } }, createdAnswer]);
    assert.equal((await run.result).version, '1');
    assert.equal(run.calls().filter((c) => c === 'POST model-versions/create').length, 2);
  });
});

describe('model-versions/create: answers that prove nothing happened', () => {
  test('429 and a connection never made: sent again without a look-up', async () => {
    const run = await register([exists, { status: 429, body: {} }, { fail: 'ECONNREFUSED', sent: false }, createdAnswer]);
    assert.equal((await run.result).version, '1');
    assert.deepEqual(run.calls(), [
      'GET registered-models/get',
      'POST model-versions/create',
      'POST model-versions/create',
      'POST model-versions/create',
    ]);
    assert.doesNotMatch(run.stderr(), /WARNING/);
  });

  test('a certificate failure is not retried: one line, naming the registry', async () => {
    const run = await register([exists, { fail: 'DEPTH_ZERO_SELF_SIGNED_CERT', sent: false }]);
    await assert.rejects(run.result, { message: /^Could not reach the MLflow registry at \[http:\/\/h\]: DEPTH_ZERO_SELF_SIGNED_CERT/ });
  });

  test('no identity tag to look up by: sent again blind, and the possible duplicate is pointed out', async () => {
    const run = await register([exists, { fail: 'ECONNRESET', sent: true }, createdAnswer], { name: 'iris', source: 'gs://b/iris/v1/' });
    assert.equal((await run.result).version, '1');
    assert.match(run.stderr(), /^WARNING: The MLflow create request was sent again after an attempt whose outcome was unknown/m);
  });
});

describe('a re-run of the same registration (the standalone command)', () => {
  test('the version the request already made is adopted before anything is created', async () => {
    const run = await register([exists, found('1')], REQUEST, true);
    assert.equal((await run.result).version, '1');
    assert.deepEqual(run.calls(), ['GET registered-models/get', 'GET model-versions/search']);
    assert.match(
      run.stderr(),
      /^WARNING: This registration was already made: version \[1\] of MLflow model \[iris\] has the tag ai-platform\.operation=/m,
    );
  });

  test('none yet: created as usual', async () => {
    const run = await register([exists, found(), createdAnswer], REQUEST, true);
    assert.equal((await run.result).version, '1');
    assert.doesNotMatch(run.stderr(), /WARNING/);
  });
});

describe('registered-models/get', () => {
  test('a 404 without RESOURCE_DOES_NOT_EXIST is no MLflow API at all (a path prefix?); an HTML page is never quoted', async () => {
    const run = await register([{ status: 404, body: '<!doctype html><title>404 Not Found</title>', contentType: 'text/html' }]);
    await assert.rejects(run.result, {
      message:
        'No MLflow REST API answers at [http://h] (HTTP 404 to registered-models/get): check the tracking URI, including its path prefix.',
    });
  });

  test('a 500 with an HTML page: the status, never the page', async () => {
    const page = { status: 500, body: '<html>\n<body>Internal Server Error</body>\n</html>', contentType: 'text/html' };
    const run = await register([page]);
    await assert.rejects(run.result, (err: Error) => {
      assert.equal(err.message, 'The MLflow registry refused registered-models/get (HTTP 500): (an HTML page, not an MLflow answer)');
      return true;
    });
  });

  test('"Created registered model" only when this run created it', async () => {
    const missing = { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' } };
    const raced = { status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'exists' } };
    const run = await register([missing, raced, createdAnswer]);
    await run.result;
    assert.doesNotMatch(run.stderr(), /Created registered model/);
  });
});

describe('an open-source registry answers 401', () => {
  const cases: [NodeJS.ProcessEnv, string][] = [
    [{}, 'no credentials were sent'],
    [{ MLFLOW_TRACKING_TOKEN: 't0ken' }, 'a bearer token from MLFLOW_TRACKING_TOKEN was sent'],
    [
      { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' },
      'basic auth from MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD was sent',
    ],
  ];
  for (const [env, sent] of cases) {
    test(`${sent}: said, with the variables to set; never the secret`, async () => {
      // What MLflow's basic-auth app answers: text, not JSON.
      const { http } = scriptedHttp([
        { status: 401, body: 'You are not authenticated. Please see the docs on how to authenticate.', contentType: 'text/plain' },
      ]);
      const client = new MlflowClient(trackingServer('http://h', env, '--f'), http, undefined, instantClock);
      await assert.rejects(registerModelVersion(client, REQUEST, silentOutput().output), (err: Error) => {
        assert.equal(
          err.message,
          `The MLflow registry refused registered-models/get (HTTP 401): You are not authenticated. Please see the docs on how to authenticate. (${sent}; set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)`,
        );
        assert.doesNotMatch(err.message, /t0ken/);
        return true;
      });
    });
  }
});
