// Vertex AI (aiplatform v1) rules from its REST reference (the message definitions gcloud ships in
// generated_clients/apis/aiplatform/v1), for the CLI to check before it sends and for the emulator
// to enforce: the grammars of IDs and aliases, and the documented ranges of the fields the
// AI Platform mapping fills. Each check returns problems ({field, message}) rather than throwing.
import { isValidLabelKey, isValidLabelValue } from './labels';

export interface VertexProblem {
  /** The request field, in the service's snake_case path form (e.g. `deployed_model.id`). */
  field: string;
  message: string;
}

/** UploadModelRequest.model_id: up to 63 of [a-z0-9_-], not starting with a digit or a hyphen. */
export const MODEL_ID_PATTERN = /^[a-z_][a-z0-9_-]{0,62}$/;
/**
 * CreateEndpointRequest.endpoint_id: a letter then up to 62 of [a-z0-9-], ending in a letter or a
 * digit; or up to 9 digits without a leading zero.
 */
export const ENDPOINT_ID_PATTERN = /^(?:[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?|[1-9][0-9]{0,8})$/;
/** Model.version_aliases: `[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]`, so an alias never looks like a version ID. */
export const VERSION_ALIAS_PATTERN = /^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]$/;
/** DeployedModel.id: 1 to 10 digits. */
export const DEPLOYED_MODEL_ID_PATTERN = /^[0-9]{1,10}$/;
/** The alias the registry gives the first version of a model; a model always has exactly one version with it. */
export const DEFAULT_ALIAS = 'default';
/** Display names of models, endpoints and deployed models: any UTF-8, at most 128 characters. */
const MAX_DISPLAY_NAME_LENGTH = 128;
export const MAX_LABELS = 64;
// IntegratedGradients/XraiAttribution.stepCount: "Valid range of its value is [1, 100]";
// SampledShapleyAttribution.pathCount: "[1, 50]" (v1 message docs).
export const STEP_COUNT_RANGE = [1, 100] as const;
export const PATH_COUNT_RANGE = [1, 50] as const;
/** DedicatedResources.autoscaling_metric_specs[].metric_name: the two metrics the service scales on. */
const AUTOSCALING_METRICS: readonly string[] = [
  'aiplatform.googleapis.com/prediction/online/cpu/utilization',
  'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle',
];

export function displayNameProblems(field: string, value: unknown, required: boolean): VertexProblem[] {
  if (value === undefined || value === '') return required ? [{ field, message: 'Required field is not set.' }] : [];
  if (typeof value !== 'string') return [{ field, message: 'must be a string.' }];
  if ([...value].length > MAX_DISPLAY_NAME_LENGTH) return [{ field, message: `must be at most ${MAX_DISPLAY_NAME_LENGTH} characters.` }];
  return [];
}

export function labelProblems(field: string, labels: unknown): VertexProblem[] {
  if (labels === undefined) return [];
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return [{ field, message: 'must be a map of strings.' }];
  const entries = Object.entries(labels);
  const problems: VertexProblem[] = [];
  if (entries.length > MAX_LABELS) problems.push({ field, message: `at most ${MAX_LABELS} labels are allowed, not ${entries.length}.` });
  for (const [key, value] of entries) {
    if (!isValidLabelKey(key)) problems.push({ field, message: `invalid label key [${key}].` });
    if (typeof value !== 'string' || !isValidLabelValue(value)) problems.push({ field, message: `invalid value of label [${key}].` });
  }
  return problems;
}

export function versionAliasProblems(field: string, aliases: unknown): VertexProblem[] {
  if (aliases === undefined) return [];
  if (!Array.isArray(aliases)) return [{ field, message: 'must be a list of strings.' }];
  const problems: VertexProblem[] = [];
  const seen = new Set<string>();
  aliases.forEach((alias, i) => {
    if (typeof alias !== 'string' || !VERSION_ALIAS_PATTERN.test(alias)) {
      problems.push({ field: `${field}[${i}]`, message: `alias ${JSON.stringify(alias)} must match [a-z][a-zA-Z0-9-]{0,126}[a-z0-9].` });
    } else if (seen.has(alias)) {
      problems.push({ field: `${field}[${i}]`, message: `alias ${JSON.stringify(alias)} is given twice.` });
    }
    if (typeof alias === 'string') seen.add(alias);
  });
  return problems;
}

/** ExplanationSpec: step counts in [1, 100], path counts in [1, 50], and the metadata's inputs and outputs. */
export function explanationProblems(field: string, spec: unknown): VertexProblem[] {
  if (spec === undefined) return [];
  const problems: VertexProblem[] = [];
  const object = asObject(spec);
  const parameters = asObject(object.parameters);
  const ranged = (path: string, value: unknown, max: number) => {
    if (value === undefined) return;
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) {
      problems.push({ field: `${field}.parameters.${path}`, message: `must be an integer in [1, ${max}], not ${JSON.stringify(value)}.` });
    }
  };
  ranged('integrated_gradients_attribution.step_count', asObject(parameters.integratedGradientsAttribution).stepCount, STEP_COUNT_RANGE[1]);
  ranged('xrai_attribution.step_count', asObject(parameters.xraiAttribution).stepCount, STEP_COUNT_RANGE[1]);
  ranged('sampled_shapley_attribution.path_count', asObject(parameters.sampledShapleyAttribution).pathCount, PATH_COUNT_RANGE[1]);
  const metadata = asObject(object.metadata);
  for (const part of ['inputs', 'outputs'] as const) {
    if (Object.keys(asObject(metadata[part])).length === 0) {
      problems.push({ field: `${field}.metadata.${part}`, message: 'Required field is not set.' });
    }
  }
  return problems;
}

/**
 * DedicatedResources: min_replica_count ≥ 1; max_replica_count, when set, ≥ the minimum (unset means
 * equal to it: no autoscaling); autoscaling metric names from the documented two, targets in [1, 100].
 */
export function dedicatedResourcesProblems(field: string, resources: unknown): VertexProblem[] {
  const r = asObject(resources);
  const problems: VertexProblem[] = [];
  const min = r.minReplicaCount;
  if (!Number.isInteger(min) || (min as number) < 1) {
    problems.push({
      field: `${field}.min_replica_count`,
      message: `must be an integer greater than or equal to 1, not ${JSON.stringify(min)}.`,
    });
  }
  const max = r.maxReplicaCount;
  if (max !== undefined && max !== 0 && (!Number.isInteger(max) || (Number.isInteger(min) && (max as number) < (min as number)))) {
    problems.push({
      field: `${field}.max_replica_count`,
      message: `must be an integer greater than or equal to min_replica_count, not ${JSON.stringify(max)}.`,
    });
  }
  const specs = r.autoscalingMetricSpecs;
  if (specs !== undefined && !Array.isArray(specs))
    problems.push({ field: `${field}.autoscaling_metric_specs`, message: 'must be a list.' });
  (Array.isArray(specs) ? specs : []).forEach((spec, i) => {
    const s = asObject(spec);
    if (typeof s.metricName !== 'string' || !AUTOSCALING_METRICS.includes(s.metricName)) {
      problems.push({
        field: `${field}.autoscaling_metric_specs[${i}].metric_name`,
        message: `must be one of ${AUTOSCALING_METRICS.join(', ')}.`,
      });
    }
    if (s.target !== undefined && (!Number.isInteger(s.target) || (s.target as number) < 1 || (s.target as number) > 100)) {
      problems.push({ field: `${field}.autoscaling_metric_specs[${i}].target`, message: 'must be an integer in [1, 100].' });
    }
  });
  const spec = asObject(r.machineSpec);
  if (spec.acceleratorCount !== undefined && (!Number.isInteger(spec.acceleratorCount) || (spec.acceleratorCount as number) < 1)) {
    problems.push({ field: `${field}.machine_spec.accelerator_count`, message: 'must be a positive integer.' });
  }
  return problems;
}

/**
 * A traffic split: percentages (integers 0–100) adding up to 100, or an empty map (no traffic);
 * keys are IDs of deployed models on the endpoint (`known`), plus "0" for the one being deployed when
 * `zeroIsNew`.
 */
export function trafficSplitProblems(field: string, split: unknown, known: ReadonlySet<string>, zeroIsNew: boolean): VertexProblem[] {
  if (split === undefined) return [];
  if (typeof split !== 'object' || split === null || Array.isArray(split))
    return [{ field, message: 'must be a map of deployed model IDs to percentages.' }];
  const entries = Object.entries(split);
  if (entries.length === 0) return [];
  const problems: VertexProblem[] = [];
  let sum = 0;
  for (const [id, percent] of entries) {
    if (!(known.has(id) || (zeroIsNew && id === '0')))
      problems.push({ field, message: `deployed model ${id} is not deployed on this endpoint.` });
    if (!Number.isInteger(percent) || (percent as number) < 0 || (percent as number) > 100) {
      problems.push({ field, message: `the percentage of ${id} must be an integer from 0 to 100, not ${JSON.stringify(percent)}.` });
    } else sum += percent as number;
  }
  if (problems.length === 0 && sum !== 100) problems.push({ field, message: `the traffic percentages must add up to 100, not ${sum}.` });
  return problems;
}

/** An object value as a record; anything else (an array, a scalar, null) as an empty one. */
export function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
