// A staging upload refused with 401/403 ends with the sentence naming the credentials, joined as
// gcloud joins it to API errors (api_lib/util/exceptions.py: after a message without a final
// period, '. ' and the sentence without its own); 404 is "bucket does not exist"; other statuses
// and message-less answers get no sentence.
import { NO_RETRY } from '../../src/net';
import { testHttp } from '../support/net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { GcsHttpError } from '../../src/upload/gcs-client';
import { stageLocalOrigin } from '../../src/upload/stage';
import { toUploadError } from '../../src/upload/upload-errors';
import { tempDir } from '../support/temp';

const INFO = 'This command is authenticated with an access token from /t/token.txt specified by the [auth/access_token_file] property.';
const target = { localPath: 'model/a.bin', bucket: 'stage', objectName: 'p/a.bin' };
const file = { relPath: 'a.bin', absPath: '/abs/model/a.bin', size: 1 };
const body = (message?: string) => JSON.stringify({ error: { code: 403, message } });

const ROWS: [status: number, body: string, expected: string][] = [
  [403, body('denied'), `403 Could not upload file [model/a.bin] to [stage/p/a.bin]: denied. ${INFO.replace(/\.$/, '')}`],
  [403, body('Access denied.'), `403 Could not upload file [model/a.bin] to [stage/p/a.bin]: Access denied. ${INFO}`],
  [
    401,
    body('Invalid Credentials'),
    `401 Could not upload file [model/a.bin] to [stage/p/a.bin]: Invalid Credentials. ${INFO.replace(/\.$/, '')}`,
  ],
  [403, body(), '403 Could not upload file [model/a.bin] to [stage/p/a.bin]: unknown error'],
  [400, body('bad'), '400 Could not upload file [model/a.bin] to [stage/p/a.bin]: bad'],
  [404, body('nope'), 'Could not upload file: [stage] bucket does not exist.'],
];

for (const [status, text, expected] of ROWS) {
  test(`${status} ${text}`, () => {
    assert.equal(toUploadError(new GcsHttpError(status, text), target, file, () => INFO).message, expected);
  });
}

test('stageLocalOrigin names the credentials when the bucket refuses the upload', async () => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      res.writeHead(403, { 'content-type': 'application/json' }).end(body('caller does not have storage.objects.create access'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = tempDir('fid-storage-');
  fs.mkdirSync(path.join(dir, 'model'));
  fs.writeFileSync(path.join(dir, 'model', 'saved_model.pb'), 'x');
  try {
    const { port } = server.address() as AddressInfo;
    await assert.rejects(
      stageLocalOrigin({
        origin: path.join(dir, 'model'),
        bucket: 'stage',
        storageEndpoint: `http://127.0.0.1:${port}/storage/v1/`,
        http: testHttp(),
        credentials: { token: async () => 'ya29.t' },
        credentialInfo: () => INFO,
        retry: NO_RETRY,
      }),
      (err: Error) => err.message.startsWith('403 Could not upload file [') && err.message.endsWith(`access. ${INFO.replace(/\.$/, '')}`),
    );
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
