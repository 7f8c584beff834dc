// models create → endpoints.create (src/vertex/endpoint.ts): body, logging markers, refusals;
// set-default's traffic split (recorded case 09: {"1": 0, "2": 100}).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultDeployedModel, defaultTrafficSplit, deployModelRequest, endpointLogging, planVertexEndpoint } from '../../src/vertex';

test('endpoints.create: displayName is the exact model name, labels carry the logging flags (case 06 without request logging)', () => {
  const plan = planVertexEndpoint(
    { name: 'Iris', description: 'Iris classifier', labels: { team: 'ml' }, onlinePredictionLogging: true },
    'us-central1',
  );
  assert.match(plan.endpointId, /^iris-[0-9a-f]{6}$/);
  assert.equal(plan.location, 'us-central1');
  assert.deepEqual(plan.body, {
    displayName: 'Iris',
    description: 'Iris classifier',
    labels: {
      'aip-access-logging': 'true',
      'aip-console-logging': 'false',
      'aip-model': '-iris',
      'managed-by': 'gcloud-aip',
      team: 'ml',
    },
  });
  assert.deepEqual(plan.issues, []);
  assert.deepEqual(endpointLogging(plan.body), { access: true, console: false });
  assert.deepEqual(endpointLogging(undefined), { access: false, console: false }, 'an endpoint made elsewhere logs nothing extra');
});

test('regions: one only; global becomes us-central1 with a warning', () => {
  const two = planVertexEndpoint({ name: 'iris', regions: ['us-central1', 'europe-west4'] }, 'us-central1', { regions: '--regions' });
  assert.deepEqual(two.issues, [
    {
      severity: 'refuse',
      field: 'regions',
      message: 'a Vertex AI endpoint is in one region (2 given: us-central1, europe-west4)',
      source: '--regions',
    },
  ]);
  const global = planVertexEndpoint({ name: 'iris' }, 'global', { region: '--region' });
  assert.equal(global.location, 'us-central1');
  assert.deepEqual(
    global.issues.map((i) => [i.severity, i.field, i.source]),
    [['warn', 'region', '--region']],
  );
  assert.equal(planVertexEndpoint({ name: 'iris', regions: ['europe-west4'] }, 'us-central1').location, 'europe-west4');
});

test('a user label may not take a marker key', () => {
  const plan = planVertexEndpoint({ name: 'iris', labels: { 'managed-by': 'me' } }, 'us-central1', { labels: '--labels' });
  assert.deepEqual(
    plan.issues.map((i) => [i.severity, i.field, i.source]),
    [['refuse', 'labels', '--labels']],
  );
});

test('labels: the markers count against the 64 Vertex AI takes, and the refusal says how many each side has', () => {
  const labels = Object.fromEntries(Array.from({ length: 61 }, (_, i) => [`k${i}`, 'v']));
  const plan = planVertexEndpoint({ name: 'iris', labels }, 'us-central1', { labels: '--labels' });
  assert.deepEqual(plan.issues, [
    {
      severity: 'refuse',
      field: 'labels',
      message: 'Vertex AI takes at most 64 labels, and gcloud-aip adds 4 of its own (61 given)',
      source: '--labels',
    },
  ]);
  const { k60: _, ...sixty } = labels;
  assert.deepEqual(planVertexEndpoint({ name: 'iris', labels: sixty }, 'us-central1').issues, [], '60 and 4 are 64');
});

test('set-default: all traffic to one deployed model, 0 to each other (case 09)', () => {
  const endpoint = { deployedModels: [{ id: '1' }, { id: '2' }], trafficSplit: { '1': 100 } };
  assert.deepEqual(defaultTrafficSplit(endpoint, '2'), { trafficSplit: { '1': 0, '2': 100 } });
  assert.equal(defaultTrafficSplit(endpoint, '3'), undefined);
  assert.equal(defaultDeployedModel(endpoint)?.id, '1');
  assert.equal(defaultDeployedModel({ deployedModels: [{ id: '1' }], trafficSplit: { '1': 50, '2': 50 } }), undefined);
});

test("a later deploy keeps every deployed model's share and adds the new one at 0", () => {
  const endpoint = { deployedModels: [{ id: '1' }, { id: '2' }], trafficSplit: { '1': 70, '2': 30 } };
  assert.deepEqual(deployModelRequest({ displayName: 'v3' }, 'm@3', endpoint).trafficSplit, { '1': 70, '2': 30, '0': 0 });
});
