// The words of the AI Platform Prediction API that the CLI, the schema and the emulator share:
// regions with regional endpoints, accelerator types, frameworks and autoscaling metric names (as
// flag spellings mapped to the API's enum values), explanation methods.
export const REGIONS = [
  'asia-east1',
  'asia-northeast1',
  'asia-southeast1',
  'australia-southeast1',
  'europe-west1',
  'europe-west2',
  'europe-west3',
  'europe-west4',
  'global',
  'northamerica-northeast1',
  'us-central1',
  'us-east1',
  'us-east4',
  'us-west1',
];

export const ACCELERATOR_TYPES = [
  'nvidia-tesla-a100',
  'nvidia-tesla-k80',
  'nvidia-tesla-p100',
  'nvidia-tesla-p4',
  'nvidia-tesla-t4',
  'nvidia-tesla-v100',
  'tpu-v2',
  'tpu-v2-pod',
  'tpu-v3',
  'tpu-v3-pod',
  'tpu-v4-pod',
];

export const FRAMEWORKS: Record<string, string> = {
  tensorflow: 'TENSORFLOW',
  'scikit-learn': 'SCIKIT_LEARN',
  xgboost: 'XGBOOST',
};

export const METRIC_NAMES: Record<string, string> = { 'cpu-usage': 'CPU_USAGE', 'gpu-duty-cycle': 'GPU_DUTY_CYCLE' };

export const EXPLANATION_METHODS = ['integrated-gradients', 'sampled-shapley', 'xrai'];
