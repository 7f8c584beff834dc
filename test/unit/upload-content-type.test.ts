import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contentTypeFor } from '../../src/upload/content-type';

// Expected values are what gcloud 528 (Python 3.12 mimetypes + /etc/mime.types) sends.
function check(cases: Record<string, string>): void {
  for (const [localPath, expected] of Object.entries(cases)) {
    assert.equal(contentTypeFor(localPath), expected, localPath);
  }
}

describe('contentTypeFor', () => {
  test('known answers from recorded gcloud runs', () => {
    check({
      'model/saved_model.pb': 'application/octet-stream',
      'model/notes.txt': 'text/plain',
      'model/empty.txt': 'text/plain',
      'model/variables/variables.index': 'application/octet-stream',
      'model/variables/variables.data-00000-of-00001': 'application/octet-stream',
      'model/model.h5': 'application/x-hdf5',
      'model/README.md': 'text/markdown',
      'model/predictor.py': 'text/x-python',
      'model/config.json': 'application/json',
      'model/data.csv': 'text/csv',
      'model/config.yaml': 'application/octet-stream',
      'model/model.joblib': 'application/octet-stream',
      'model/model.bst': 'application/octet-stream',
      'model/model.bin': 'application/octet-stream',
      'model/model.pkl': 'application/octet-stream',
    });
  });

  test('extensions are matched case-insensitively', () => {
    check({ 'm/A.TXT': 'text/plain', 'm/x.Json': 'application/json', 'm/x.H5': 'application/x-hdf5', 'm/x.PY': 'text/x-python' });
  });

  test('compression suffixes are encodings (case-sensitive), not types', () => {
    check({
      'm/x.gz': 'application/octet-stream', // type None, encoding gzip
      'm/x.tar.gz': 'application/x-tar',
      'm/x.txt.gz': 'text/plain',
      'm/x.txt.GZ': 'application/gzip', // '.GZ' is no encoding, so it is the type
      'm/x.tar.Z': 'application/x-tar',
      'm/x.tar.z': 'application/octet-stream', // '.z' is neither
      'm/x.tar.bz2': 'application/x-tar',
      'm/x.json.br': 'application/json',
    });
  });

  test('suffix aliases: .tgz is .tar.gz (looked up lowercased)', () => {
    check({ 'm/x.tgz': 'application/x-tar', 'm/x.TGZ': 'application/x-tar', 'm/x.svgz': 'image/svg+xml', 'm/x.txz': 'application/x-tar' });
  });

  test('leading dots do not start an extension', () => {
    check({
      'm/.txt': 'application/octet-stream',
      'm/..txt': 'application/octet-stream',
      'm/a..txt': 'text/plain',
      'm/.hidden.json': 'application/json',
      'm/a.': 'application/octet-stream',
    });
  });

  test('only the last path component counts', () => {
    check({ 'm.json/model': 'application/octet-stream', 'my.dir/x.csv': 'text/csv', './a.txt': 'text/plain', 'm/é t.txt': 'text/plain' });
  });

  test('paths that look like URLs (origin typed as `scheme:...`) lose their fragment and query', () => {
    check({
      'my:model/a.txt': 'text/plain',
      'my:model/a#b.txt': 'application/octet-stream',
      'm/a#b.txt': 'text/plain', // no scheme: the path is used as-is
      'c:model/a.json': 'application/json', // one letter is a drive, not a scheme
      'http:model/a.txt;v=1': 'text/plain',
      'data:model/a.txt': 'application/octet-stream',
    });
  });
});
