// The registry client's pieces: tracking URI and credentials, the retry token, the retry command,
// and the registration flow over a scripted HTTP client.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/errors';
import { argDict } from '../../src/flags/arg-types';
import { silentOutput } from '../support/net';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/net';
import { MlflowClient, registerModelVersion } from '../../src/mlflow/client';
import { standaloneCommand } from '../../src/mlflow/request';
import { retryTokenFor } from '../../src/mlflow/retry-token';
import { trackingServer } from '../../src/mlflow/tracking';

describe('tracking server', () => {
  test('the flag wins over MLFLOW_TRACKING_URI; a trailing slash is dropped', () => {
    assert.equal(trackingServer(undefined, { MLFLOW_TRACKING_URI: 'http://mlflow:5000/' }, '--f').base, 'http://mlflow:5000');
    assert.equal(trackingServer('https://other/x/', { MLFLOW_TRACKING_URI: 'http://mlflow:5000' }, '--f').base, 'https://other/x');
  });

  test('an OCI AI Data Platform URI is recognised by its path', () => {
    const server = trackingServer('https://adp.example.com/20260430/aiDataPlatforms/ocid1.x..y/mlops', {}, '--f');
    assert.equal(server.aiDataPlatformId, 'ocid1.x..y');
    assert.equal(trackingServer('https://adp.example.com/mlops', {}, '--f').aiDataPlatformId, undefined);
    assert.throws(() => trackingServer(`https://h/20260430/aiDataPlatforms/${'a'.repeat(501)}/mlops`, {}, '--f'), /over 500 characters/);
  });

  test('credentials: a bearer token first, else basic user and password', () => {
    const env = { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' };
    assert.equal(trackingServer('http://h', { ...env, MLFLOW_TRACKING_TOKEN: 't' }, '--f').authorization, 'Bearer t');
    assert.equal(trackingServer('http://h', env, '--f').authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(trackingServer('http://h', { MLFLOW_TRACKING_USERNAME: 'u' }, '--f').authorization, undefined);
  });

  test('missing or not http(s): a clear error naming where the value came from', () => {
    assert.throws(() => trackingServer(undefined, {}, '--tracking-uri'), /set MLFLOW_TRACKING_URI or pass --tracking-uri\./);
    assert.throws(
      () => trackingServer(undefined, { MLFLOW_TRACKING_URI: 'databricks' }, '--f'),
      /\[databricks\] \(from MLFLOW_TRACKING_URI\) is not an http\(s\) URL/,
    );
    assert.throws(() => trackingServer('http://h/?x=1', {}, '--f'), /must not have a query/);
  });
});

describe('retry token and retry command', () => {
  const request = { name: 'iris', source: 'gs://b/p/', tags: [{ key: 'ai-platform.operation', value: 'projects/p/operations/op-1' }] };

  test('the token is a 64-character digest of the request: same request, same token', () => {
    assert.match(retryTokenFor(request), /^[0-9a-f]{64}$/);
    assert.equal(retryTokenFor({ ...request, tags: [...request.tags] }), retryTokenFor(request));
    assert.notEqual(
      retryTokenFor({ ...request, tags: [{ key: 'ai-platform.operation', value: 'projects/p/operations/op-2' }] }),
      retryTokenFor(request),
    );
  });

  test('the retry command quotes for the shell and escapes commas in tags', () => {
    const tricky = {
      ...request,
      description: "it's new",
      tags: [
        { key: 'a', value: 'x,y' },
        { key: 'b', value: '' },
      ],
    };
    const command = standaloneCommand(tricky, 'http://h:5000');
    assert.equal(
      command,
      `gcloud-aip mlflow model-versions create --name=iris --source=gs://b/p/ '--description=it'\\''s new' '--tags=^|^a=x,y|b=' --tracking-uri=http://h:5000`,
    );
    const tagsValue = /'--tags=(.*?)'/.exec(command)![1];
    assert.deepEqual(
      [...argDict(tagsValue)],
      [
        ['a', 'x,y'],
        ['b', ''],
      ],
    );
  });
});

/** An HttpClient that answers from a script and records what it was asked. */
function scriptedHttp(answers: { status: number; body: unknown; retried?: boolean }[]): { http: HttpClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const http = {
    async request(req: HttpRequest): Promise<HttpResponse> {
      sent.push(req);
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected request ${req.method} ${req.url}`);
      return { status: answer.status, headers: {}, body: Buffer.from(JSON.stringify(answer.body)), retried: answer.retried ?? false };
    },
  };
  return { http: http as unknown as HttpClient, sent };
}

const version = (status: string, extra: Record<string, unknown> = {}) => ({
  model_version: { name: 'iris', version: '4', status, ...extra },
});
const noSleep = async () => undefined;

describe('registerModelVersion', () => {
  const request = { name: 'iris', source: 'gs://b/p/' };

  test('creates a missing registered model, then the version, then polls until READY', async () => {
    const { http, sent } = scriptedHttp([
      { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'not found' } },
      { status: 200, body: { registered_model: { name: 'iris' } } },
      { status: 200, body: version('PENDING_REGISTRATION') },
      { status: 200, body: version('PENDING_REGISTRATION') },
      { status: 200, body: version('READY') },
    ]);
    const { output } = silentOutput();
    const done = await registerModelVersion(new MlflowClient(trackingServer('http://h/', {}, '--f'), http), request, output, {
      sleep: noSleep,
    });
    assert.equal(done.status, 'READY');
    assert.deepEqual(
      sent.map((r) => `${r.method} ${r.url}`),
      [
        'GET http://h/api/2.0/mlflow/registered-models/get?name=iris',
        'POST http://h/api/2.0/mlflow/registered-models/create',
        'POST http://h/api/2.0/mlflow/model-versions/create',
        'GET http://h/api/2.0/mlflow/model-versions/get?name=iris&version=4',
        'GET http://h/api/2.0/mlflow/model-versions/get?name=iris&version=4',
      ],
    );
    assert.equal(sent[2].body, JSON.stringify(request));
    assert.equal(sent[2].headers?.['opc-retry-token'], undefined);
  });

  test('OCI: the create carries opc-retry-token and opc-request-id; a registered model made meanwhile (409) is fine', async () => {
    const { http, sent } = scriptedHttp([
      { status: 404, body: { code: 'NotAuthorizedOrNotFound', message: 'no' } },
      { status: 409, body: { code: 'Conflict', message: 'exists' } },
      { status: 200, body: version('READY') },
    ]);
    const server = trackingServer('https://h/20260430/aiDataPlatforms/ocid1.p/mlops', {}, '--f');
    await registerModelVersion(new MlflowClient(server, http), request, silentOutput().output, { sleep: noSleep });
    assert.equal(sent[2].headers?.['opc-retry-token'], retryTokenFor(request));
    assert.match(sent[2].headers?.['opc-request-id'] ?? '', /^[0-9A-F]{32}$/);
  });

  test('FAILED_REGISTRATION is an error carrying the status message', async () => {
    const { http } = scriptedHttp([
      { status: 200, body: { registered_model: { name: 'iris' } } },
      { status: 200, body: version('FAILED_REGISTRATION', { status_message: 'artifacts unreadable' }) },
    ]);
    await assert.rejects(
      registerModelVersion(new MlflowClient(trackingServer('http://h', {}, '--f'), http), request, silentOutput().output, {
        sleep: noSleep,
      }),
      (err: Error) =>
        err instanceof UserError && err.message === 'Version [4] of MLflow model [iris] failed to register: artifacts unreadable',
    );
  });

  test('a refusal names the call, the status, the error code and the message', async () => {
    const { http } = scriptedHttp([
      { status: 200, body: { registered_model: { name: 'iris' } } },
      { status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no access to iris' } },
    ]);
    await assert.rejects(
      registerModelVersion(new MlflowClient(trackingServer('http://h', {}, '--f'), http), request, silentOutput().output, {
        sleep: noSleep,
      }),
      { message: 'The MLflow registry refused model-versions/create (HTTP 403 PERMISSION_DENIED): no access to iris' },
    );
  });

  test('an answer that is not a model version is refused', async () => {
    const { http } = scriptedHttp([
      { status: 200, body: { registered_model: { name: 'iris' } } },
      { status: 200, body: { model_version: { name: 'iris', version: '4', status: 'DONE' } } },
    ]);
    await assert.rejects(
      registerModelVersion(new MlflowClient(trackingServer('http://h', {}, '--f'), http), request, silentOutput().output, {
        sleep: noSleep,
      }),
      /answer to model-versions\/create is not a model version: model_version\.status/,
    );
  });
});
