// Every documented rule of the Version schema, table-driven: accepted and refused bodies on each
// side of each boundary. `refused` lists the fields the problems name (in order): those gcloud-aip
// refuses before sending (versionProblems), then those only the service, and so the emulator, refuses.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointProblems, serviceProblems, versionProblems } from '../../src/version/schema';
import { ML_NAME_ERROR } from '../../src/domain';

const fields = (body: unknown, region?: string) => [...versionProblems(body), ...serviceProblems(body, region)].map((p) => p.field);

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
  'names: letters, digits and underscores, starting with a letter, at most 128 characters': [
    accepted({ name: 'v1' }),
    accepted({ name: 'V_1_b' }),
    accepted({ name: `v${'x'.repeat(127)}` }),
    refused({ name: `v${'x'.repeat(128)}` }, 'name'),
    refused({ name: '1-bad' }, 'name'),
    refused({ name: 'my-model' }, 'name'),
    refused({ name: '_v1' }, 'name'),
    refused({ name: 'v 1' }, 'name'),
    refused({ name: 'v1.2' }, 'name'),
    refused({ name: 'é1' }, 'name'),
  ],
  'runtimeVersion: major_version.minor_version, from the runtime version list': [
    accepted({ runtimeVersion: '1.0' }),
    accepted({ runtimeVersion: '1.15' }),
    accepted({ runtimeVersion: '2.1' }),
    accepted({ runtimeVersion: '2.11' }),
    refused({ runtimeVersion: '2.1l' }, 'runtimeVersion'),
    refused({ runtimeVersion: 'latest' }, 'runtimeVersion'),
    refused({ runtimeVersion: 'nightly' }, 'runtimeVersion'),
    refused({ runtimeVersion: '21.1' }, 'runtimeVersion'),
    refused({ runtimeVersion: '2.12' }, 'runtimeVersion'),
    refused({ runtimeVersion: '2.0' }, 'runtimeVersion'),
    refused({ runtimeVersion: '1.15.3' }, 'runtimeVersion'),
    refused({ runtimeVersion: ' 2.11' }, 'runtimeVersion'),
    refused({ runtimeVersion: '' }, 'runtimeVersion'),
  ],
  'pythonVersion: one of the available Pythons (2.7, 3.5, 3.7)': [
    accepted({ pythonVersion: '3.7' }),
    accepted({ pythonVersion: '3.5' }),
    accepted({ pythonVersion: '2.7' }),
    refused({ pythonVersion: '3.77' }, 'pythonVersion'),
    refused({ pythonVersion: '3.9' }, 'pythonVersion'),
    refused({ pythonVersion: '3' }, 'pythonVersion'),
    refused({ pythonVersion: 'toString' }, 'pythonVersion'),
    refused({ pythonVersion: ' 3.7 ', runtimeVersion: '2.11' }, 'pythonVersion'),
  ],
  'a custom container forbids runtimeVersion, framework, pythonVersion, predictionClass, packageUris': [
    accepted({ container: { image: 'i' }, machineType: 'n1-standard-2' }),
    refused({ container: { image: 'i' }, machineType: 'n1-standard-2', runtimeVersion: '2.11' }, 'runtimeVersion'),
    refused({ container: { image: 'i' }, machineType: 'n1-standard-2', framework: 'TENSORFLOW' }, 'framework'),
    refused({ container: { image: 'i' }, machineType: 'n1-standard-2', pythonVersion: '3.7' }, 'pythonVersion'),
    refused({ container: { image: 'i' }, machineType: 'n1-standard-2', predictionClass: 'p.C' }, 'predictionClass', 'predictionClass'),
    refused({ container: { image: 'i' }, machineType: 'n1-standard-2', packageUris: ['gs://b/p.tar.gz'] }, 'packageUris'),
  ],
  'routes need a custom container': [
    refused({ routes: { predict: '/p' } }, 'routes'),
    accepted({ routes: { predict: '/p' }, container: { image: 'i' }, machineType: 'n1-standard-2' }),
  ],
  'SCIKIT_LEARN / XGBOOST need runtime 1.4 or later': [
    refused({ framework: 'SCIKIT_LEARN', runtimeVersion: '1.3' }, 'framework'),
    accepted({ framework: 'SCIKIT_LEARN', runtimeVersion: '1.4' }),
    refused({ framework: 'XGBOOST', runtimeVersion: '1.2' }, 'framework'),
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
      machineType: 'n1-standard-2',
      container: { image: 'i', ports: [{ containerPort: 8080 }] },
      routes: { predict: '/p' },
    }),
    refused({ manualScaling: { nodes: 1, extra: 2 }, foo: 1 }, 'manualScaling.extra', 'foo'),
    refused(
      { machineType: 'n1-standard-2', container: { image: 'i', ports: [{ containerPort: 1, hostPort: 2 }] } },
      'container.ports[0].hostPort',
    ),
  ],
};

/** The endpoint's rules: [body, region, fields refused]. */
const ENDPOINT_RULES: Record<string, [Record<string, unknown>, string, string[]][]> = {
  'a custom container needs a regional endpoint, and an image of its region': [
    [{ container: { image: 'us-central1-docker.pkg.dev/p/r/i:1' }, machineType: 'n1-standard-2' }, 'us-central1', []],
    [{ container: { image: 'us-central1-docker.pkg.dev/p/r/i:1' }, machineType: 'n1-standard-2' }, 'global', ['container', 'machineType']],
    [{ container: { image: 'gcr.io/p/server:1' }, machineType: 'n1-standard-2' }, 'us-central1', ['container.image']],
    [{ container: { image: 'europe-west4-docker.pkg.dev/p/r/i' }, machineType: 'n1-standard-2' }, 'us-central1', ['container.image']],
  ],
  'regional endpoints take only N1 machine types; N1 machine types need a regional endpoint': [
    [{ machineType: 'mls1-c1-m2' }, 'global', []],
    [{ machineType: 'mls1-c1-m2' }, 'europe-west4', ['machineType']],
    [{ machineType: 'n1-standard-4' }, 'europe-west4', []],
    [{ machineType: 'n1-standard-4' }, 'global', ['machineType']],
    [{}, 'global', []],
    [{}, 'us-central1', []],
  ],
  'a custom container needs an N1 machineType (machineType is required with a container; on Vertex AI the mapping chooses)': [
    [{ container: { image: 'us-central1-docker.pkg.dev/p/r/i' } }, 'us-central1', ['machineType']],
    [
      { container: { image: 'us-central1-docker.pkg.dev/p/r/i' }, machineType: 'mls1-c1-m2' },
      'us-central1',
      ['machineType', 'machineType'],
    ],
    [{ container: { image: 'us-central1-docker.pkg.dev/p/r/i' }, machineType: 'n1-highmem-2' }, 'us-central1', []],
  ],
  'a custom prediction routine (MLS1 only) on a regional endpoint': [
    [{ predictionClass: 'p.C' }, 'global', []],
    [{ predictionClass: 'p.C' }, 'us-central1', ['predictionClass']],
  ],
};

describe('Version schema rules', () => {
  for (const [rule, rows] of Object.entries(ENDPOINT_RULES)) {
    test(`endpoint: ${rule}`, () => {
      for (const [body, region, refusedFields] of rows) {
        assert.deepEqual(
          endpointProblems(body, region).map((p) => p.field),
          refusedFields,
          `${JSON.stringify(body)} at ${region}`,
        );
        // versionProblems with a region adds exactly these to the body's own problems.
        assert.deepEqual(fields(body, region).slice(fields(body).length), refusedFields);
      }
    });
  }

  test("a bad name is refused in the service's words", () => {
    assert.equal(serviceProblems({ name: '1-bad' })[0].message, ML_NAME_ERROR);
  });

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
