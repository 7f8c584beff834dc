import { test } from 'node:test';
import assert from 'node:assert/strict';
import { versionProblems } from '../../src/version/schema';

const fields = (body: unknown) => versionProblems(body).map((p) => p.field);

test('a plain version passes', () => {
  assert.deepEqual(versionProblems({ name: 'v1', deploymentUri: 'gs://b/m/', runtimeVersion: '2.11', pythonVersion: '3.7', labels: { env: 'prod' } }), []);
});

test('scaling union, GPU and N1 rules', () => {
  assert.deepEqual(fields({ manualScaling: { nodes: 1 }, autoScaling: { minNodes: 1 } }), ['autoScaling']);
  assert.deepEqual(fields({ acceleratorConfig: { type: 'NVIDIA_TESLA_T4' } }), ['acceleratorConfig']);
  assert.deepEqual(fields({ machineType: 'n1-standard-4', acceleratorConfig: { type: 'NVIDIA_TESLA_T4' }, manualScaling: { nodes: 1 } }), []);
  assert.deepEqual(fields({ machineType: 'n1-standard-4', acceleratorConfig: { type: 'T4' }, autoScaling: { minNodes: 1 } }), ['autoScaling']);
  assert.deepEqual(fields({ machineType: 'n1-standard-4', autoScaling: { minNodes: 0 } }), ['autoScaling']);
  assert.deepEqual(fields({ machineType: 'n1-standard-4', framework: 'XGBOOST' }), ['framework']);
  assert.deepEqual(fields({ machineType: 'n1-standard-4', framework: 'TENSORFLOW' }), []);
});

test('python/runtime compatibility, compared numerically', () => {
  assert.deepEqual(fields({ pythonVersion: '3.7', runtimeVersion: '2.11' }), []);
  assert.deepEqual(fields({ pythonVersion: '3.7', runtimeVersion: '1.14' }), ['pythonVersion']);
  assert.deepEqual(fields({ pythonVersion: '3.5', runtimeVersion: '2.11' }), ['pythonVersion']);
  assert.deepEqual(fields({ pythonVersion: '3.5', runtimeVersion: '1.10' }), []);
  assert.deepEqual(fields({ pythonVersion: '2.7', runtimeVersion: '1.15' }), []);
  assert.deepEqual(fields({ pythonVersion: '2.7', runtimeVersion: '2.1' }), ['pythonVersion']);
  assert.deepEqual(fields({ pythonVersion: '9.9', runtimeVersion: '1.0' }), [], 'other python versions are not judged');
  assert.deepEqual(fields({ pythonVersion: '3.7', runtimeVersion: 'nightly' }), [], 'non-numeric runtimes are not judged');
});

test('custom prediction routines', () => {
  assert.deepEqual(fields({ predictionClass: 'p.C' }), []);
  assert.deepEqual(fields({ predictionClass: 'p.C', machineType: 'n1-standard-2' }), ['predictionClass']);
  assert.deepEqual(fields({ predictionClass: 'p.C', framework: 'SCIKIT_LEARN' }), ['framework']);
  assert.deepEqual(fields({ predictionClass: 'p.C', runtimeVersion: '1.3' }), ['predictionClass']);
  assert.deepEqual(fields({ packageUris: ['gs://a'], runtimeVersion: '1.3' }), ['packageUris']);
  assert.deepEqual(fields({ framework: 'SCIKIT_LEARN', runtimeVersion: '1.3' }), ['framework']);
});

test('labels, attributions and unknown fields at any depth', () => {
  assert.deepEqual(fields({ labels: { 'Bad Key': 'UPPER' } }), ['labels', 'labels']);
  assert.deepEqual(fields({ explanationConfig: { xraiAttribution: {}, sampledShapleyAttribution: {} } }), ['explanationConfig']);
  assert.deepEqual(fields({ manualScaling: { nodes: 1, extra: 2 }, foo: 1 }), ['manualScaling.extra', 'foo']);
  assert.deepEqual(fields({ container: { image: 'i', ports: [{ containerPort: 1, hostPort: 2 }] } }), ['container.ports.0.hostPort']);
});
