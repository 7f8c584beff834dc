// Deterministic Vertex AI ids, aliases, label encodings and resource names (src/vertex/ids.ts,
// labels.ts), checked against the grammars in the aiplatform v1 message docs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aipVersionName,
  MODEL_ID,
  modelVersionName,
  parseVertexName,
  vertexAlias,
  vertexEndpointId,
  vertexLocation,
  vertexModelId,
} from '../../src/vertex';
// The grammars and the label encoding are the mapping's own (the front door does not export them).
import { ENDPOINT_ID, VERSION_ALIAS } from '../../src/vertex/ids';
import { decodeNameLabel, encodeNameLabel } from '../../src/vertex/labels';

/** AI Platform model/version names: a letter, then letters, digits and underscores, at most 128. */
const AIP_NAMES = [
  'iris',
  'Iris',
  'IRIS',
  'a',
  'A',
  'v1',
  'V1',
  'v1_0',
  'my_model_',
  'x'.repeat(63),
  'x'.repeat(64),
  `M${'_a'.repeat(63)}`,
  'default',
];

describe('endpoint ids', () => {
  test('a lower-case name keeps its letters, `_` becomes `-` (the recorded cases use endpoints/iris)', () => {
    assert.equal(vertexEndpointId('iris'), 'iris');
    assert.equal(vertexEndpointId('census_wide_deep'), 'census-wide-deep');
  });
  test('lossy names get 6 hex digits of the sha256 of the exact name, so case never merges two models', () => {
    const upper = vertexEndpointId('Iris');
    assert.match(upper, /^iris-[0-9a-f]{6}$/);
    assert.notEqual(upper, vertexEndpointId('iris'));
    assert.notEqual(upper, vertexEndpointId('IRIS'));
    assert.equal(vertexEndpointId('Iris'), upper, 'deterministic');
    assert.match(vertexEndpointId('my_model_'), /^my-model-[0-9a-f]{6}$/);
    assert.equal(vertexEndpointId('x'.repeat(63)), 'x'.repeat(63));
    assert.match(vertexEndpointId('x'.repeat(64)), /^x{56}-[0-9a-f]{6}$/);
  });
  test('every AI Platform name gives a valid endpoint id (first a letter, at most 63, ends in a letter or digit)', () => {
    for (const name of AIP_NAMES) {
      const id = vertexEndpointId(name);
      assert.match(id, ENDPOINT_ID, name);
      assert.match(id, /[a-z0-9]$/, name);
    }
  });
});

describe('model ids', () => {
  test('lower case, `_` kept; lossy names hashed the same way', () => {
    assert.equal(vertexModelId('iris'), 'iris');
    assert.equal(vertexModelId('census_wide_deep'), 'census_wide_deep');
    assert.match(vertexModelId('Iris'), /^iris-[0-9a-f]{6}$/);
    assert.notEqual(vertexModelId('Iris'), vertexModelId('IRIS'));
    for (const name of AIP_NAMES) assert.match(vertexModelId(name), MODEL_ID, name);
  });
});

describe('version aliases', () => {
  test('a valid alias is the version name itself', () => {
    assert.equal(vertexAlias('v1'), 'v1');
    assert.equal(vertexAlias('canaryV2'), 'canaryV2', 'capitals are allowed inside an alias');
  });
  test('others: `_` → `-`, first and last characters lower-cased, trailing `_` → `x`, one character → `-v`', () => {
    assert.equal(vertexAlias('v1_0'), 'v1-0');
    assert.equal(vertexAlias('V1'), 'v1');
    assert.equal(vertexAlias('VersionA'), 'versiona');
    assert.equal(vertexAlias('MyModelV2'), 'myModelV2', 'only the ends are lower-cased');
    assert.equal(vertexAlias('v1_'), 'v1x');
    assert.equal(vertexAlias('a'), 'a-v');
    assert.equal(vertexAlias('A'), 'a-v');
  });
  test('every AI Platform name gives a valid alias', () => {
    for (const name of AIP_NAMES) assert.match(vertexAlias(name), VERSION_ALIAS, name);
  });
});

describe('name labels', () => {
  test('capitals become `-` + the letter: reversible, and label-safe', () => {
    assert.equal(encodeNameLabel('myModel_V2'), 'my-model_-v2');
    assert.equal(decodeNameLabel('my-model_-v2'), 'myModel_V2');
    for (const name of AIP_NAMES.filter((n) => n.length < 30)) {
      const label = encodeNameLabel(name);
      assert.match(label, /^[a-z0-9_-]{1,63}$/, name);
      assert.equal(decodeNameLabel(label), name);
    }
  });
  test('a value cut at 63 characters is marked, and does not decode to a wrong name', () => {
    const label = encodeNameLabel('A'.repeat(40));
    assert.ok(label.length <= 63 && label.endsWith('--'));
    assert.equal(decodeNameLabel(label), undefined);
    assert.equal(decodeNameLabel(undefined), undefined);
  });
});

test('locations and names', () => {
  assert.equal(vertexLocation('global'), 'us-central1');
  assert.equal(vertexLocation('europe-west4'), 'europe-west4');
  assert.equal(aipVersionName('p', 'iris', 'v1'), 'projects/p/models/iris/versions/v1');
  assert.equal(modelVersionName('projects/p/locations/us-central1/models/iris', '2'), 'projects/p/locations/us-central1/models/iris@2');
  // What the service answers with: the project number, and resource-scoped operations.
  assert.deepEqual(parseVertexName('projects/123456789012/locations/us-central1/endpoints/iris/operations/42'), {
    project: '123456789012',
    location: 'us-central1',
    collection: 'endpoints',
    id: 'iris',
    operation: '42',
  });
  assert.deepEqual(parseVertexName('projects/p/locations/us-central1/models/iris@v2'), {
    project: 'p',
    location: 'us-central1',
    collection: 'models',
    id: 'iris',
    version: 'v2',
  });
  assert.equal(parseVertexName('projects/p/models/iris'), undefined);
});
