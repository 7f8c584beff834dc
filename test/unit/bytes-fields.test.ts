// The bytes fields of the ml v1 messages (Model.etag, Version.etag) as gcloud prints them: Python's
// base64.urlsafe_b64encode(base64.urlsafe_b64decode(text)) — the expected texts and errors are
// those of gcloud 528's bundled Python 3.12 (test/diff/fidelity-diff.test.ts, group `bytes`,
// compares the commands with gcloud itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Base64Error, decodeMessage, InvalidServerDataError, reencodeBytes } from '../../src/api/messages';

const PRINTED: [sent: string, printed: string, why: string][] = [
  ['H+QY+5lJgp0=', 'H-QY-5lJgp0=', '+ becomes -'],
  ['ab/c+d==', 'ab_c-Q==', '/ becomes _, unused low bits dropped'],
  ['AAAAAAAAAAA=', 'AAAAAAAAAAA=', 'already URL-safe'],
  ['//++', '__--', 'a whole quantum of / and +'],
  ['-_-_', '-_-_', 'URL-safe input'],
  ['abcd', 'abcd', 'no padding needed'],
  ['abc=', 'abc=', 'one pad'],
  ['ab==', 'aQ==', 'two pads, low bits dropped'],
  ['H+QY+5lJgp1=', 'H-QY-5lJgp0=', 'non-canonical last character'],
  ['ab==xyz', 'aQ==', 'input ends at the completing padding'],
  ['abcdefgh=', 'abcdefgh', 'a pad after a whole quantum is skipped'],
  ['ab c\nd==', 'abcd', 'whitespace skipped'],
  ['a!b@c#d$', 'abcd', 'characters outside the alphabet skipped'],
  ['', '', 'empty'],
];

for (const [sent, printed, why] of PRINTED) {
  test(`bytes field ${JSON.stringify(sent)} prints as ${JSON.stringify(printed)} (${why})`, () => {
    assert.equal(reencodeBytes(sent), printed);
  });
}

const FIVE = 'Invalid base64-encoded string: number of data characters (5) cannot be 1 more than a multiple of 4';
const REFUSED: [sent: string, error: string][] = [
  ['abc', 'Incorrect padding'],
  ['ab', 'Incorrect padding'],
  ['H+QY+5lJgp0', 'Incorrect padding'],
  ['=abc', 'Incorrect padding'],
  ['ab=c', 'Incorrect padding'],
  ['abcde', FIVE],
  ['a===', 'Invalid base64-encoded string: number of data characters (1) cannot be 1 more than a multiple of 4'],
  ['abcdefghi', 'Invalid base64-encoded string: number of data characters (9) cannot be 1 more than a multiple of 4'],
  ['abé=', 'string argument should contain only ASCII characters'],
];

for (const [sent, error] of REFUSED) {
  test(`bytes field ${JSON.stringify(sent)} is refused: ${error}`, () => {
    assert.throws(
      () => reencodeBytes(sent),
      (err: unknown) => err instanceof Base64Error && err.message === error,
    );
  });
}

test('a Model: its etag and its default version’s are re-encoded; other fields and types are kept', () => {
  const model = {
    name: 'projects/p/models/m',
    description: 'a+b/c==',
    defaultVersion: { name: 'projects/p/models/m/versions/v', etag: 'ab/c+d==', labels: { etag: 'x+y' } },
    etag: 'H+QY+5lJgp0=',
  };
  assert.deepEqual(decodeMessage('GoogleCloudMlV1Model', model, ''), {
    ...model,
    defaultVersion: { ...model.defaultVersion, etag: 'ab_c-Q==' },
    etag: 'H-QY-5lJgp0=',
  });
  assert.equal(model.etag, 'H+QY+5lJgp0=', 'the answer itself is left alone');
});

test('list answers: every model and version on the page', () => {
  const page = { models: [{ name: 'a', etag: '//++' }, { name: 'b' }], nextPageToken: 'x+' };
  assert.deepEqual(decodeMessage('GoogleCloudMlV1ListModelsResponse', page, ''), {
    models: [{ name: 'a', etag: '__--' }, { name: 'b' }],
    nextPageToken: 'x+',
  });
  const versions = { versions: [{ name: 'v', etag: 'H+QY+5lJgp0=' }] };
  assert.deepEqual(decodeMessage('GoogleCloudMlV1ListVersionsResponse', versions, '').versions, [{ name: 'v', etag: 'H-QY-5lJgp0=' }]);
});

test('an etag that does not decode: gcloud’s InvalidDataFromServerError, naming the whole answer and its type', () => {
  const body = '{"models": [{"name": "a", "etag": "abcde"}]}';
  assert.throws(
    () => decodeMessage('GoogleCloudMlV1ListModelsResponse', JSON.parse(body), body),
    (err: unknown) =>
      err instanceof InvalidServerDataError &&
      err.pythonType === 'InvalidDataFromServerError' &&
      err.message === `Error decoding response "${body}" as type GoogleCloudMlV1ListModelsResponse: ${FIVE}`,
  );
});
