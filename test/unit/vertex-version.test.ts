// versions create → models.upload + endpoints.deployModel bodies, refusals and warnings
// (src/vertex/version.ts, endpoint.ts). Expected bodies follow what gcloud 528's `gcloud ai`
// sends for the equivalent flags (../shared/VERTEX.md §4, cases 01, 02, 03, 07, 08, 09), except
// the documented differences: marker labels, the alias, the explicit split.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVersion, type VersionFlags } from '../../src/version/build';
import {
  deployModelRequest,
  planVertexEndpoint,
  planVertexVersion,
  refusals,
  type VertexModel,
  type VertexVersionInput,
  warnings,
} from '../../src/vertex';

const NOW = new Date('2026-12-06T12:00:00Z');

function plan(
  flags: VersionFlags,
  options: Partial<VertexVersionInput> & {
    name?: string;
    deploymentUri?: string;
    containers?: boolean;
    config?: Record<string, unknown>;
  } = {},
) {
  const { name = 'v1', containers = true, config, ...rest } = options;
  const deploymentUri = 'deploymentUri' in options ? options.deploymentUri : 'gs://oracle-staging/iris/v1/';
  delete rest.deploymentUri;
  const built = buildVersion({ name, deploymentUri, flags, containers });
  if (config) {
    for (const [field, value] of Object.entries(config)) {
      built.body[field] = value;
      built.sources[field] = 'version.yaml:3';
    }
  }
  return planVertexVersion({
    project: 'oracle-project',
    region: 'us-central1',
    regionSource: '--region',
    model: 'iris',
    built,
    now: NOW,
    ...rest,
  });
}

/** An endpoint as models create makes it, with its logging flags. */
const endpointWith = (access: boolean, console: boolean, description?: string) =>
  planVertexEndpoint({ name: 'iris', onlinePredictionLogging: access, onlinePredictionConsoleLogging: console, description }, 'us-central1')
    .body;

const lines = (issues: { field: string; message: string }[]) => issues.map((i) => `${i.field}: ${i.message}`);

describe('models.upload', () => {
  test('first version: modelId, the runtime × framework container, labels with markers, the alias (case 01)', () => {
    const p = plan({
      runtimeVersion: '2.11',
      framework: 'scikit-learn',
      labels: new Map([['team', 'ml']]),
      description: 'AI Platform version v1',
    });
    assert.deepEqual(p.upload, {
      model: {
        displayName: 'iris',
        artifactUri: 'gs://oracle-staging/iris/v1/',
        containerSpec: { imageUri: 'us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest' },
        versionDescription: 'AI Platform version v1',
        labels: {
          'aip-framework': 'scikit_learn',
          'aip-model': 'iris',
          'aip-runtime-version': '2_11',
          'aip-version': 'v1',
          'managed-by': 'gcloud-aip',
          team: 'ml',
        },
        versionAliases: ['v1'],
      },
      modelId: 'iris',
    });
    assert.equal(p.endpointId, 'iris');
    assert.equal(p.location, 'us-central1');
    assert.deepEqual(refusals(p.issues), []);
  });

  test("the first version gives the registry Model the AI Platform model's description (on its endpoint)", () => {
    const p = plan({ runtimeVersion: '2.11' }, { endpoint: endpointWith(false, false, 'Iris classifier') });
    assert.equal(p.upload.model.description, 'Iris classifier');
    assert.equal(p.upload.modelId, 'iris');
  });

  test('a later version: parentModel names the registry Model (with the project as given, as gcloud sends it: case 02)', () => {
    const v1: VertexModel = {
      name: 'projects/123/locations/us-central1/models/iris',
      versionId: '1',
      versionAliases: ['default', 'v1'],
      labels: { 'aip-version': 'v1' },
    };
    const p = plan({ runtimeVersion: '2.11' }, { name: 'v2', existingVersions: [v1] });
    assert.equal(p.upload.modelId, undefined);
    assert.equal(p.upload.parentModel, 'projects/oracle-project/locations/us-central1/models/iris');
    assert.equal(p.upload.model.description, undefined, 'the registry Model already has its description');
    assert.deepEqual(p.upload.model.versionAliases, ['v2']);
    assert.equal(p.existing, undefined);
  });

  test('--image and the container flags map 1:1 onto containerSpec (case 02), whatever the runtime says', () => {
    const p = plan({
      runtimeVersion: '1.14',
      pythonVersion: '3.5',
      image: 'us-central1-docker.pkg.dev/oracle-project/serving/iris-server:1',
      command: ['python', '-m', 'server'],
      args: ['--workers=2', '--verbose'],
      envVars: new Map([
        ['MODEL_NAME', 'iris'],
        ['LOG_LEVEL', 'debug'],
      ]),
      ports: [8080],
      predictRoute: '/predict',
      healthRoute: '/health',
    });
    assert.deepEqual(p.upload.model.containerSpec, {
      args: ['--workers=2', '--verbose'],
      command: ['python', '-m', 'server'],
      env: [
        { name: 'MODEL_NAME', value: 'iris' },
        { name: 'LOG_LEVEL', value: 'debug' },
      ],
      healthRoute: '/health',
      imageUri: 'us-central1-docker.pkg.dev/oracle-project/serving/iris-server:1',
      ports: [{ containerPort: 8080 }],
      predictRoute: '/predict',
    });
    assert.deepEqual(refusals(p.issues), [], "runtime 1.14 and Python 3.5 are the image's business once it is named");
    assert.equal(p.upload.model.labels?.['aip-runtime-version'], '1_14', 'the rest of the command line is kept as labels');
  });

  test("explanations: AI Platform's snake_case metadata file becomes the Vertex metadata gcloud sends (case 03)", () => {
    const p = plan(
      { runtimeVersion: '2.11', explanationMethod: 'integrated-gradients', numIntegralSteps: 50 },
      {
        explanationMetadata: {
          source: 'model/explanation_metadata.json',
          content: {
            inputs: { features: { input_tensor_name: 'dense_input' } },
            outputs: { probabilities: { output_tensor_name: 'dense_2' } },
            framework: 'tensorflow',
          },
        },
      },
    );
    assert.deepEqual(p.upload.model.explanationSpec, {
      metadata: { inputs: { features: { inputTensorName: 'dense_input' } }, outputs: { probabilities: { outputTensorName: 'dense_2' } } },
      parameters: { integratedGradientsAttribution: { stepCount: 50 } },
    });
    assert.match(
      lines(warnings(p.issues)).join('\n'),
      /explanationConfig: Vertex Explainable AI is deprecated and shuts down on March 16, 2027/,
    );
  });

  test('explanation metadata: feature names and baselines are kept as written', () => {
    const p = plan(
      { runtimeVersion: '2.11', explanationMethod: 'sampled-shapley', numPaths: 10 },
      {
        explanationMetadata: {
          source: 'm.json',
          content: {
            inputs: { my_feature: { input_tensor_name: 'x:0', input_baselines: [{ a_b: 1 }], index_feature_mapping: ['c_d'] } },
            outputs: { out_1: {} },
          },
        },
      },
    );
    assert.deepEqual(p.upload.model.explanationSpec, {
      metadata: {
        inputs: { my_feature: { inputTensorName: 'x:0', inputBaselines: [{ a_b: 1 }], indexFeatureMapping: ['c_d'] } },
        outputs: { out_1: {} },
      },
      parameters: { sampledShapleyAttribution: { pathCount: 10 } },
    });
  });
});

describe('endpoints.deployModel', () => {
  test('machine, GPU, replicas, metrics, service account and logging as gcloud ai endpoints deploy-model sends them (case 07)', () => {
    const p = plan(
      {
        runtimeVersion: '2.11',
        machineType: 'n1-standard-4',
        accelerator: new Map<string, unknown>([
          ['type', 'nvidia-tesla-t4'],
          ['count', 1],
        ]),
        minNodes: 1,
        maxNodes: 3,
        metricTargets: new Map([['cpu-usage', 70]]),
        serviceAccount: 'serving@oracle-project.iam.gserviceaccount.com',
      },
      { endpoint: endpointWith(true, true) },
    );
    const request = deployModelRequest(p.deployedModel, 'projects/oracle-project/locations/us-central1/models/iris@1', undefined);
    assert.deepEqual(request, {
      deployedModel: {
        dedicatedResources: {
          autoscalingMetricSpecs: [{ metricName: 'aiplatform.googleapis.com/prediction/online/cpu/utilization', target: 70 }],
          machineSpec: { acceleratorCount: 1, acceleratorType: 'NVIDIA_TESLA_T4', machineType: 'n1-standard-4' },
          maxReplicaCount: 3,
          minReplicaCount: 1,
          spot: false,
        },
        disableContainerLogging: false,
        displayName: 'v1',
        enableAccessLogging: true,
        model: 'projects/oracle-project/locations/us-central1/models/iris@1',
        serviceAccount: 'serving@oracle-project.iam.gserviceaccount.com',
      },
      trafficSplit: { '0': 100 },
    });
    assert.equal(p.upload.model.containerSpec?.imageUri, 'us-docker.pkg.dev/vertex-ai/prediction/tf2-gpu.2-11:latest');
  });

  test('no scaling, no machine type: minReplicaCount 1 and an empty machineSpec, as gcloud sends (case 25)', () => {
    const p = plan({ runtimeVersion: '2.11' });
    assert.deepEqual(p.deployedModel.dedicatedResources, { machineSpec: {}, minReplicaCount: 1, spot: false });
  });

  test("a later version gets 0 beside the current split; the first 100 (AI Platform's default-version rule; cases 08, 09)", () => {
    const p = plan({ runtimeVersion: '2.11' }, { name: 'v2' });
    const endpoint = {
      deployedModels: [{ id: '1' }, { id: '7' }],
      trafficSplit: { '1': 100 },
    };
    assert.deepEqual(deployModelRequest(p.deployedModel, 'm@2', endpoint).trafficSplit, { '1': 100, '7': 0, '0': 0 });
    assert.deepEqual(deployModelRequest(p.deployedModel, 'm@2', { deployedModels: [], trafficSplit: {} }).trafficSplit, { '0': 100 });
    // Deployed models but no traffic anywhere: there is no default, so the new version becomes it.
    assert.deepEqual(deployModelRequest(p.deployedModel, 'm@2', { deployedModels: [{ id: '1' }] }).trafficSplit, { '0': 100 });
  });

  test('v1beta1 (beta, alpha) sends enableContainerLogging, the field it has in place of disableContainerLogging', () => {
    const off = deployModelRequest(plan({ runtimeVersion: '2.11' }).deployedModel, 'm@1', undefined, 'v1beta1').deployedModel;
    assert.deepEqual([off.disableContainerLogging, off.enableContainerLogging], [undefined, false]);
    const asked = plan({ runtimeVersion: '2.11' }, { endpoint: endpointWith(false, true) }).deployedModel;
    const on = deployModelRequest(asked, 'm@1', undefined, 'v1beta1').deployedModel;
    assert.deepEqual([on.disableContainerLogging, on.enableContainerLogging], [undefined, true]);
    assert.equal(deployModelRequest(asked, 'm@1', undefined, 'v1').deployedModel.disableContainerLogging, false);
  });

  test("autoscaling metrics in the order of gcloud's flag keys (cpu-usage before gpu-duty-cycle), whatever the order given", () => {
    const p = plan({
      runtimeVersion: '2.11',
      machineType: 'n1-standard-4',
      minNodes: 1,
      maxNodes: 2,
      metricTargets: new Map([
        ['gpu-duty-cycle', 60],
        ['cpu-usage', 80],
      ]),
    });
    assert.deepEqual(p.deployedModel.dedicatedResources?.autoscalingMetricSpecs, [
      { metricName: 'aiplatform.googleapis.com/prediction/online/cpu/utilization', target: 80 },
      { metricName: 'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle', target: 60 },
    ]);
  });

  test('container logging stays off unless the model asked for console logging, and says so once', () => {
    const off = plan({ runtimeVersion: '2.11' });
    assert.equal(off.deployedModel.disableContainerLogging, true);
    assert.equal(off.deployedModel.enableAccessLogging, false);
    assert.equal(warnings(off.issues).filter((i) => i.field === 'onlinePredictionConsoleLogging').length, 1);
    const on = plan({ runtimeVersion: '2.11' }, { endpoint: endpointWith(false, true) });
    assert.equal(on.deployedModel.disableContainerLogging, false);
    assert.equal(warnings(on.issues).filter((i) => i.field === 'onlinePredictionConsoleLogging').length, 0);
  });
});

describe('refusals, each naming the field and where its value came from', () => {
  const refused = (p: ReturnType<typeof plan>) => refusals(p.issues).map((i) => [i.field, i.source, i.message]);

  test('custom prediction routines: the migrate-cpr guide and --image', () => {
    const p = plan({ runtimeVersion: '2.11', predictionClass: 'pkg.Predictor', packageUris: ['gs://b/p.tar.gz'] });
    assert.deepEqual(refused(p), [
      [
        'predictionClass',
        '--prediction-class',
        'custom prediction routines need a serving container on Vertex AI; build one (see https://cloud.google.com/vertex-ai/docs/predictions/migrate-cpr) and deploy it with --image',
      ],
    ]);
  });
  test('with --image, the routine flags are not sent (warned)', () => {
    const p = plan({ predictionClass: 'pkg.Predictor', image: 'gcr.io/p/cpr:1' });
    assert.deepEqual(refused(p), []);
    assert.match(
      lines(warnings(p.issues)).join('\n'),
      /^predictionClass: not sent: on Vertex AI the container named by --image serves the model/m,
    );
  });
  test('runtime < 1.15 and Python 2.7 (from a --config file: file:line)', () => {
    const p = plan({}, { config: { runtimeVersion: '1.13', pythonVersion: '2.7' } });
    assert.deepEqual(
      refused(p).map(([field, source]) => [field, source]),
      [
        ['pythonVersion', 'version.yaml:3'],
        ['runtimeVersion', 'version.yaml:3'],
      ],
    );
  });
  test('TPU and K80 accelerators', () => {
    const tpu = plan({ runtimeVersion: '2.11', machineType: 'n1-standard-4', accelerator: new Map([['type', 'tpu-v2']]) });
    assert.deepEqual(
      refused(tpu).map(([f, s]) => [f, s]),
      [['acceleratorConfig.type', '--accelerator']],
    );
    assert.match(String(refused(tpu)[0][2]), /^TPU_V2: Vertex AI documents no TPU serving/);
    const k80 = plan({ runtimeVersion: '2.11', machineType: 'n1-standard-4', accelerator: new Map([['type', 'nvidia-tesla-k80']]) });
    assert.match(String(refused(k80)[0][2]), /NVIDIA_TESLA_K80 has reached end of support/);
  });
  test("explanations without explanation_metadata.json, or with counts outside Vertex's ranges", () => {
    const missing = plan({ runtimeVersion: '2.11', explanationMethod: 'xrai' });
    assert.deepEqual(refused(missing), [
      [
        'explanationConfig',
        '--explanation-method',
        "Vertex AI needs the model's inputs and outputs: no explanation_metadata.json in gs://oracle-staging/iris/v1/",
      ],
    ]);
    const metadata = { source: 'm.json', content: { inputs: { a: {} }, outputs: { b: {} } } };
    const steps = plan(
      { runtimeVersion: '2.11', explanationMethod: 'integrated-gradients', numIntegralSteps: 101 },
      { explanationMetadata: metadata },
    );
    assert.deepEqual(refused(steps), [
      ['explanationConfig.integratedGradientsAttribution.numIntegralSteps', '--explanation-method', 'Vertex AI takes 1 to 100 (it is 101)'],
    ]);
    const paths = plan({ runtimeVersion: '2.11', explanationMethod: 'sampled-shapley', numPaths: 51 }, { explanationMetadata: metadata });
    assert.deepEqual(
      refused(paths).map(([f]) => f),
      ['explanationConfig.sampledShapleyAttribution.numPaths'],
    );
    assert.deepEqual(
      refused(plan({ runtimeVersion: '2.11', explanationMethod: 'sampled-shapley', numPaths: 50 }, { explanationMetadata: metadata })),
      [],
    );
    const noOutputs = plan(
      { runtimeVersion: '2.11', explanationMethod: 'xrai' },
      { explanationMetadata: { source: 'm.json', content: { inputs: {} } } },
    );
    assert.match(String(refused(noOutputs)[0][2]), /^m\.json must be a JSON object with "inputs" and "outputs"/);
  });
  test('the name `default`, and an alias another version already has', () => {
    assert.deepEqual(refused(plan({ runtimeVersion: '2.11' }, { name: 'default' })), [
      ['name', 'VERSION', "'default' is reserved by Vertex AI for the model's default version"],
    ]);
    assert.equal(refused(plan({ runtimeVersion: '2.11' }, { name: 'Default' }))[0][0], 'name');
    const v1: VertexModel = { versionId: '1', versionAliases: ['default', 'v1'], labels: { 'aip-version': 'v1' } };
    assert.deepEqual(refused(plan({ runtimeVersion: '2.11' }, { name: 'V1', existingVersions: [v1] })), [
      ['name', 'VERSION', "version 'V1' would take the Vertex AI alias 'v1', which version 'v1' of this model already has"],
    ]);
    const foreign: VertexModel = { versionId: '4', versionAliases: ['v2'] };
    assert.match(
      String(refused(plan({ runtimeVersion: '2.11' }, { name: 'v2', existingVersions: [foreign] }))[0][2]),
      /registry version 4 \(not made by gcloud-aip\)/,
    );
  });
  test('manualScaling nodes: 0, and n1-highcpu-2', () => {
    assert.deepEqual(refused(plan({ runtimeVersion: '2.11' }, { config: { manualScaling: { nodes: 0 } } })), [
      ['manualScaling.nodes', 'version.yaml:3', 'Vertex AI deploys at least 1 replica (nodes is 0)'],
    ]);
    assert.deepEqual(refused(plan({ runtimeVersion: '2.11', machineType: 'n1-highcpu-2' })), [
      ['machineType', '--machine-type', 'n1-highcpu-2 is not a Vertex AI prediction machine type; n1-standard-2 has the same 2 vCPUs'],
    ]);
  });
  test("labels: gcloud-aip's keys are reserved, and markers count towards 64", () => {
    assert.equal(refused(plan({ runtimeVersion: '2.11', labels: new Map([['aip-model', 'x']]) }))[0][0], 'labels');
    const many = new Map(Array.from({ length: 61 }, (_, i) => [`k${i}`, 'v'] as [string, string]));
    assert.match(
      String(refused(plan({ runtimeVersion: '2.11', labels: many }))[0][2]),
      /at most 64 labels, and gcloud-aip adds 4 of its own \(61 given\)/,
    );
  });
  test('a null label from --config is not sent', () => {
    const p = plan({ runtimeVersion: '2.11' }, { config: { labels: { team: 'ml', gone: null } } });
    assert.equal(p.upload.model.labels?.team, 'ml');
    assert.equal('gone' in (p.upload.model.labels ?? {}), false);
  });
  test('a prebuilt container without an origin', () => {
    assert.deepEqual(refused(plan({ runtimeVersion: '2.11' }, { deploymentUri: undefined }))[0].slice(0, 1), ['deploymentUri']);
  });
});

describe('warnings, naming what is sent instead', () => {
  const warned = (p: ReturnType<typeof plan>) => lines(warnings(p.issues)).join('\n');

  test('mls1 machine types', () => {
    const p = plan({ runtimeVersion: '2.11', machineType: 'mls1-c4-m2' }, { config: { manualScaling: { nodes: 2 } } });
    assert.match(warned(p), /^machineType: mls1-c4-m2 does not exist on Vertex AI; using n1-highcpu-4$/m);
    assert.equal(p.deployedModel.dedicatedResources?.machineSpec.machineType, 'n1-highcpu-4');
    assert.equal(p.upload.model.labels?.['aip-machine-type'], 'mls1-c4-m2', 'kept for the AI Platform view');
    assert.deepEqual(p.deployedModel.dedicatedResources, {
      machineSpec: { machineType: 'n1-highcpu-4' },
      minReplicaCount: 2,
      maxReplicaCount: 2,
      spot: false,
    });
  });
  test('scale-to-zero and no max nodes (from --config: flags drop --min-nodes=0 as gcloud does)', () => {
    const p = plan({ runtimeVersion: '2.11' }, { config: { autoScaling: { minNodes: 0 } } });
    assert.match(
      warned(p),
      /^autoScaling\.minNodes: 0: Vertex AI keeps at least 1 replica running and bills it while idle; sending minReplicaCount 1$/m,
    );
    assert.match(
      warned(p),
      /^autoScaling\.maxNodes: not set: Vertex AI then runs exactly minReplicaCount \(1\) replicas and does not autoscale; set --max-nodes to autoscale$/m,
    );
    assert.deepEqual(p.deployedModel.dedicatedResources, { machineSpec: {}, minReplicaCount: 1, spot: false });
    const legacy = plan({ runtimeVersion: '2.11', machineType: 'mls1-c1-m2' });
    assert.match(warned(legacy), /^autoScaling: not set: AI Platform scaled this legacy machine type down to zero nodes when idle/m);
  });
  test('the global region', () => {
    const p = plan({ runtimeVersion: '2.11' }, { region: 'global' });
    assert.equal(p.location, 'us-central1');
    assert.deepEqual(warnings(p.issues)[0], {
      severity: 'warn',
      field: 'region',
      message: "Vertex AI has no global endpoint; using us-central1 (where AI Platform's global endpoint deployed models)",
      source: '--region',
    });
    assert.match(warned(p), /^autoScaling: not set: AI Platform scaled/m, "the global endpoint's default machine was mls1-c1-m2");
  });
  test('request logging is not sent', () => {
    const p = plan({ runtimeVersion: '2.11' }, { config: { requestLoggingConfig: { samplingPercentage: 0.1 } } });
    assert.match(warned(p), /^requestLoggingConfig: not sent: Vertex AI logs requests per endpoint/m);
  });
  test('a version name that is not an alias', () => {
    const p = plan({ runtimeVersion: '2.11' }, { name: 'v1_0' });
    assert.deepEqual(p.upload.model.versionAliases, ['v1-0']);
    assert.match(warned(p), /^name: 'v1_0' is not a valid Vertex AI alias; the version is aliased 'v1-0'$/m);
    assert.equal(p.deployedModel.displayName, 'v1_0', 'the exact name stays on the deployed model');
  });
  test('every warning appears once', () => {
    const p = plan(
      { runtimeVersion: '2.3', framework: 'xgboost', machineType: 'mls1-c1-m2', explanationMethod: 'sampled-shapley' },
      {
        region: 'global',
        name: 'v_1',
        config: { requestLoggingConfig: {} },
        explanationMetadata: { source: 'm', content: { inputs: {}, outputs: {} } },
      },
    );
    const all = lines(warnings(p.issues));
    assert.equal(new Set(all).size, all.length, all.join('\n'));
    assert.ok(all.length >= 7, all.join('\n'));
  });
});

describe('re-running after a partial failure', () => {
  const uploaded: VertexModel = {
    name: 'projects/123/locations/us-central1/models/iris',
    versionId: '1',
    versionAliases: ['default', 'v1'],
    labels: { 'aip-version': 'v1' },
    artifactUri: 'gs://oracle-staging/iris/v1/',
    containerSpec: { imageUri: 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-11:latest' },
  };
  test('the same model: reused, nothing refused', () => {
    const p = plan({ runtimeVersion: '2.11' }, { existingVersions: [uploaded] });
    assert.equal(p.existing, uploaded);
    assert.deepEqual(refusals(p.issues), []);
  });
  test('other files or another image under the same name: refused, naming what differs', () => {
    const p = plan({ runtimeVersion: '2.11' }, { existingVersions: [uploaded], deploymentUri: 'gs://oracle-staging/iris/v1b/' });
    assert.equal(p.existing, undefined);
    assert.deepEqual(lines(refusals(p.issues)), [
      "name: version 'v1' is already in the Vertex AI Model Registry (version 1) with deploymentUri gs://oracle-staging/iris/v1/; delete it or choose another name",
    ]);
    const image = plan({ runtimeVersion: '2.10' }, { existingVersions: [uploaded] });
    assert.match(lines(refusals(image.issues)).join('\n'), /with image us-docker\.pkg\.dev\/vertex-ai\/prediction\/tf2-cpu\.2-11:latest/);
  });
});

test('autoScaling: maxNodes below the minimum is refused', () => {
  const p = plan({ runtimeVersion: '2.11', minNodes: 3, maxNodes: 2 });
  assert.deepEqual(lines(refusals(p.issues)), ['autoScaling.maxNodes: must be at least minReplicaCount (3); it is 2']);
});
