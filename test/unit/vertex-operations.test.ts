// Where an `operations describe|wait|cancel OP` runs on the Vertex AI target: the operation's own
// location when OP is a full name (or its URL), else --region's, else us-central1 (AI Platform's
// global endpoint deployed there).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vertexOperationLocation } from '../../src/targets/vertex-ai';

test('a full name or URL names its location; a bare id or a built AI Platform name takes the region', () => {
  const name = 'projects/123456789012/locations/europe-west4/endpoints/iris/operations/42';
  assert.equal(vertexOperationLocation(name, 'us-east1'), 'europe-west4');
  assert.equal(vertexOperationLocation(`https://europe-west4-aiplatform.googleapis.com/v1beta1/${name}`, undefined), 'europe-west4');
  assert.equal(vertexOperationLocation('42', 'asia-east1'), 'asia-east1');
  assert.equal(vertexOperationLocation('projects/p/operations/42', 'asia-east1'), 'asia-east1');
  assert.equal(vertexOperationLocation('42', undefined), 'us-central1');
});
