// Every documented rule of the Version schema, table-driven: accepted and refused bodies on each
// side of each boundary. `refused` lists the fields the problems name (in order).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { versionProblems } from '../../src/version/schema';

const fields = (body: unknown) => versionProblems(body).map((p) => p.field);

interface Row {
  body: Record<string, unknown>;
  refused: string[];
}

const accepted = (body: Record<string, unknown>): Row => ({ body, refused: [] });
const refused = (body: Record<string, unknown>, ...names: string[]): Row => ({ body, refused: names });

const RULES: Record<string, Row[]> = {
  'only one of manualScaling / autoScaling': [
    accepted({ manualScaling: { nodes: 1 } }),
    accepted({ autoScaling: { minNodes: 1 } }),
    refused({ manualScaling: { nodes: 1 }, autoScaling: { minNodes: 1 } }, 'autoScaling'),
    refused({ manualScaling: {}, autoScaling: {} }, 'autoScaling'),
  ],
  'python 3.7 with runtime 1.15 or later': [
    refused({ pythonVersion: '3.7', runtimeVersion: '1.14' }, 'pythonVersion'),
    accepted({ pythonVersion: '3.7', runtimeVersion: '1.15' }),
    accepted({ pythonVersion: '3.7', runtimeVersion: '2.11' }),
    accepted({ pythonVersion: '3.7', runtimeVersion: '1.15.3' }),
  ],
  'python 3.5 with runtime 1.4 to 1.14': [
    refused({ pythonVersion: '3.5', runtimeVersion: '1.3' }, 'pythonVersion'),
    accepted({ pythonVersion: '3.5', runtimeVersion: '1.4' }),
    accepted({ pythonVersion: '3.5', runtimeVersion: '1.14' }),
    refused({ pythonVersion: '3.5', runtimeVersion: '1.15' }, 'pythonVersion'),
    refused({ pythonVersion: '3.5', runtimeVersion: '2.11' }, 'pythonVersion'),
  ],
  'python 2.7 with runtime 1.15 or earlier (compared numerically: 2.11 > 1.15)': [
    accepted({ pythonVersion: '2.7', runtimeVersion: '1.15' }),
    accepted({ pythonVersion: '2.7', runtimeVersion: '1.2' }),
    refused({ pythonVersion: '2.7', runtimeVersion: '2.1' }, 'pythonVersion'),
    refused({ pythonVersion: '2.7', runtimeVersion: '2.11' }, 'pythonVersion'),
  ],
  'versions that are not plain dotted numbers, or pythons the documents do not list, are not judged': [
    accepted({ pythonVersion: '3.7', runtimeVersion: 'nightly' }),
    accepted({ pythonVersion: '3.9', runtimeVersion: '1.0' }),
    accepted({ pythonVersion: '3.7' }),
    refused({ pythonVersion: ' 3.7 ', runtimeVersion: ' 1.14' }, 'pythonVersion'),
  ],
  'SCIKIT_LEARN / XGBOOST need runtime 1.4 or later': [
    refused({ framework: 'SCIKIT_LEARN', runtimeVersion: '1.3' }, 'framework'),
    accepted({ framework: 'SCIKIT_LEARN', runtimeVersion: '1.4' }),
    refused({ framework: 'XGBOOST', runtimeVersion: '1.3.9' }, 'framework'),
    accepted({ framework: 'XGBOOST', runtimeVersion: '2.11' }),
    accepted({ framework: 'TENSORFLOW', runtimeVersion: '1.0' }),
  ],
  'packageUris need runtime 1.4 or later': [
    refused({ packageUris: ['gs://b/p.tar.gz'], runtimeVersion: '1.3' }, 'packageUris'),
    accepted({ packageUris: ['gs://b/p.tar.gz'], runtimeVersion: '1.4' }),
    accepted({ packageUris: ['gs://b/p.tar.gz'] }),
  ],
  'an N1 machine type needs framework TENSORFLOW when one is given': [
    accepted({ machineType: 'n1-standard-4', framework: 'TENSORFLOW' }),
    accepted({ machineType: 'n1-standard-4' }),
    refused({ machineType: 'n1-standard-4', framework: 'XGBOOST' }, 'framework'),
    accepted({ machineType: 'mls1-c1-m2', framework: 'XGBOOST' }),
  ],
  'acceleratorConfig only with an N1 machine type (unset means mls1-c1-m2)': [
    accepted({ machineType: 'n1-standard-4', acceleratorConfig: { type: 'NVIDIA_TESLA_T4', count: '1' } }),
    refused({ acceleratorConfig: { type: 'NVIDIA_TESLA_T4' } }, 'acceleratorConfig'),
    refused({ machineType: 'mls1-c4-m2', acceleratorConfig: { count: '1' } }, 'acceleratorConfig'),
  ],
  'GPUs forbid autoScaling': [
    refused({ machineType: 'n1-standard-4', acceleratorConfig: { type: 'NVIDIA_TESLA_T4' }, autoScaling: { minNodes: 1 } }, 'autoScaling'),
    accepted({ machineType: 'n1-standard-4', acceleratorConfig: { type: 'NVIDIA_TESLA_T4' }, manualScaling: { nodes: 1 } }),
  ],
  'autoScaling.minNodes at least 1 on N1 machine types': [
    refused({ machineType: 'n1-standard-4', autoScaling: { minNodes: 0 } }, 'autoScaling'),
    accepted({ machineType: 'n1-standard-4', autoScaling: { minNodes: 1 } }),
    accepted({ machineType: 'mls1-c1-m2', autoScaling: { minNodes: 0 } }),
    accepted({ autoScaling: { minNodes: 0 } }),
  ],
  'predictionClass needs a legacy MLS1 machine type, runtime 1.4 or later, and no framework': [
    accepted({ predictionClass: 'p.C' }),
    accepted({ predictionClass: 'p.C', machineType: 'mls1-c4-m2', runtimeVersion: '1.4' }),
    refused({ predictionClass: 'p.C', machineType: 'n1-standard-2' }, 'predictionClass'),
    refused({ predictionClass: 'p.C', runtimeVersion: '1.3' }, 'predictionClass'),
    refused({ predictionClass: 'p.C', framework: 'SCIKIT_LEARN' }, 'framework'),
  ],
  'labels follow the label rules (63 characters, lowercase, international letters allowed)': [
    accepted({ labels: { env: 'prod', 'team_a-1': '', ключ: 'значение', 日本: '語' } }),
    accepted({ labels: { ['k'.repeat(63)]: 'v'.repeat(63) } }),
    refused({ labels: { ['k'.repeat(64)]: 'v' } }, 'labels'),
    refused({ labels: { k: 'v'.repeat(64) } }, 'labels'),
    refused({ labels: { '1key': 'v' } }, 'labels'),
    refused({ labels: { 'Bad Key': 'UPPER' } }, 'labels', 'labels'),
    accepted({ labels: { k: null } }),
  ],
  'one attribution method at most': [
    accepted({ explanationConfig: { xraiAttribution: { numIntegralSteps: 50 } } }),
    refused({ explanationConfig: { xraiAttribution: {}, sampledShapleyAttribution: {} } }, 'explanationConfig'),
  ],
  'field names of the resource and its nested messages': [
    accepted({
      name: 'v',
      deploymentUri: 'gs://b/m/',
      container: { image: 'i', ports: [{ containerPort: 8080 }] },
      routes: { predict: '/p' },
    }),
    refused({ manualScaling: { nodes: 1, extra: 2 }, foo: 1 }, 'manualScaling.extra', 'foo'),
    refused({ container: { image: 'i', ports: [{ containerPort: 1, hostPort: 2 }] } }, 'container.ports[0].hostPort'),
  ],
};

describe('Version schema rules', () => {
  for (const [rule, rows] of Object.entries(RULES)) {
    test(rule, () => {
      for (const row of rows) assert.deepEqual(fields(row.body), row.refused, JSON.stringify(row.body));
    });
  }

  test('an unknown field is refused with the names allowed where it is', () => {
    const [problem] = versionProblems({ manualScaling: { nodes: 1, node: 2 } });
    assert.equal(problem.message, 'unknown field of Version (known fields here: nodes)');
  });

  test('every problem is reported at once', () => {
    const body = { pythonVersion: '3.5', runtimeVersion: '2.11', machineType: 'n1-standard-4', framework: 'XGBOOST', labels: { A: 'b' } };
    assert.deepEqual(fields(body), ['pythonVersion', 'framework', 'labels']);
  });
});
