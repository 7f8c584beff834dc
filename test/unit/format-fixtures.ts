/** Resources shared by the format tests: what the ML API returns for versions, operations and models. */

export const VERSION = {
  '@type': 'type.googleapis.com/google.cloud.ml.v1.Version',
  createTime: '2024-01-01T00:00:00Z',
  deploymentUri: 'gs://b/m/',
  etag: 'AAAAAAAAAAA=',
  name: 'projects/p/models/m1/versions/v1',
  state: 'READY',
  labels: { env: 'prod' },
  acceleratorConfig: { count: '1', type: 'NVIDIA_TESLA_T4' },
  autoScaling: { minNodes: 1, metrics: [{ name: 'CPU_USAGE', target: 60 }] },
  container: { image: 'i', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] },
  description: 'Modèle — "quoted" & <b>',
  packageUris: ['gs://a/1', 'gs://a/2'],
};

export const OPERATION = {
  name: 'projects/p/operations/create_m1_v1-1700000000001',
  metadata: {
    '@type': 'type.googleapis.com/google.cloud.ml.v1.OperationMetadata',
    createTime: '2024-01-01T00:00:00Z',
    modelName: 'projects/p/models/m1',
    operationType: 'CREATE_VERSION',
    version: { name: 'projects/p/models/m1/versions/v1', state: 'CREATING' },
  },
};

export const DONE_OPERATION = {
  ...OPERATION,
  done: true,
  response: { ...VERSION, '@type': 'type.googleapis.com/google.cloud.ml.v1.Version' },
};

export const VERSIONS = [
  VERSION,
  {
    name: 'projects/p/models/m1/versions/v2_with_a_longer_name',
    deploymentUri: 'gs://bucket/models/v2/',
    state: 'CREATING',
    runtimeVersion: '2.11',
    framework: 'TENSORFLOW',
    machineType: 'n1-standard-4',
    isDefault: true,
    requestLoggingConfig: { samplingPercentage: 0.1, bigqueryTableName: 'p.d.t' },
  },
  { name: 'projects/p/models/m1/versions/v0', state: 'FAILED', errorMessage: 'Bad model:\nline 2', labels: {} },
];

export const MODELS = [
  {
    name: 'projects/p/models/m1',
    defaultVersion: { name: 'projects/p/models/m1/versions/v1' },
    regions: ['us-central1'],
    onlinePredictionLogging: true,
  },
  { name: 'projects/p/models/m2', description: 'no default' },
];

/** Odd values: unicode, newlines, empty containers, nulls, numbers, deep nesting. */
export const ODD = {
  empty: '',
  spaces: '  padded  ',
  multiline: 'line1\nline2\n',
  noTrailingNewline: 'line1\nline2',
  tab: 'a\tb',
  quote: "it's",
  colon: 'key: value',
  hash: 'a #comment',
  bool: 'true',
  yes: 'yes',
  number: '123',
  float: '1.5',
  date: '2024-01-01',
  null: null,
  zero: 0,
  negative: -7,
  pi: Math.PI,
  big: 12345678901,
  tiny: 0.00001,
  flag: false,
  emptyList: [],
  emptyDict: {},
  nested: { a: { b: { c: [1, [2, []], { d: null }] } } },
  unicode: 'café ☕ 日本語 😀',
  long: 'word '.repeat(30).trim(),
};
