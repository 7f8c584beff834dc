// The default target's real host answering as a removed service does: gcloud's error line stays as
// it is, and one more line (UserError advice) names the shutdown and how to select Vertex AI. Never
// under an override (the emulator, a proxy), nor for answers a live service gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, MlApi, TransientApiError } from '../../src/api/ml';
import type { UserError } from '../../src/errors';
import { SHUTDOWN_HINT } from '../../src/config/target';
import type { Credentials } from '../../src/credentials/auth';
import type { HttpClient, HttpRequest } from '../../src/net';

const credentials: Credentials = {
  token: async () => 'token',
  describe: () => 'You are using the test credential.',
  isUserAccount: () => false,
};

/** An HttpClient that answers every request with `status` and a google.rpc error body, and records the URLs. */
function answering(status: number, urls: string[]): HttpClient {
  const body = JSON.stringify({ error: { code: status, message: 'The requested URL was not found on this server.', status: 'NOT_FOUND' } });
  return {
    request: async (request: HttpRequest) => {
      urls.push(request.url);
      return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(body), retried: false };
    },
  } as unknown as HttpClient;
}

async function errorFrom(endpoint: string, status: number): Promise<{ error: UserError & Partial<ApiError>; urls: string[] }> {
  const urls: string[] = [];
  const api = new MlApi({ endpoint, http: answering(status, urls), credentials });
  try {
    await api.call('GET', 'projects/p/models/m');
  } catch (err) {
    // 501 is a passing failure to the retry policy (TransientApiError), the others definite (ApiError).
    assert.ok(err instanceof ApiError || err instanceof TransientApiError, String(err));
    return { error: err, urls };
  }
  assert.fail('expected the call to fail');
}

test("a 404 from ml.googleapis.com keeps gcloud's error line and adds the shutdown line", async () => {
  const { error, urls } = await errorFrom('https://ml.googleapis.com/', 404);
  assert.deepEqual(urls, ['https://ml.googleapis.com/v1/projects/p/models/m?alt=json']);
  assert.match(error.message, /^NOT_FOUND: The requested URL was not found on this server\. You are using the test credential\.$/);
  assert.equal(error.options.advice, SHUTDOWN_HINT);
  assert.match(SHUTDOWN_HINT, /shut down on 2025-01-31.*GCLOUD_AIP_TARGET=vertex-ai/);
  assert.equal(error.httpStatus, 404);
  assert.equal(error.status, 'NOT_FOUND');
});

test('regional hosts and the other statuses of a removed service get the line too', async () => {
  for (const status of [403, 410, 501]) {
    assert.equal((await errorFrom('https://us-central1-ml.googleapis.com/', status)).error.options.advice, SHUTDOWN_HINT, `HTTP ${status}`);
  }
});

test('no shutdown line for an override host, for another Google API, or for a status a live service gives', async () => {
  assert.equal((await errorFrom('http://127.0.0.1:8089/', 404)).error.options.advice, undefined);
  assert.equal((await errorFrom('https://ml.example.com/', 404)).error.options.advice, undefined);
  assert.equal((await errorFrom('https://us-central1-aiplatform.googleapis.com/', 404)).error.options.advice, undefined);
  assert.equal((await errorFrom('https://ml.googleapis.com/', 400)).error.options.advice, undefined);
  assert.equal((await errorFrom('https://ml.googleapis.com/', 409)).error.options.advice, undefined);
});
