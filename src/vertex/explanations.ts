// AI Platform explanationConfig (+ the model's explanation_metadata.json) → Vertex AI
// Model.explanationSpec. AI Platform read the metadata file from the SavedModel directory, in
// snake_case with a "framework" key (https://cloud.google.com/ai-platform/prediction/docs/ai-explanations/understanding-inputs-outputs);
// Vertex AI wants it in the request, camelCase, `inputs` and `outputs` required (ExplanationMetadata,
// v1 message docs). The CLI reads the file; this module only converts what it read.
import { PATH_COUNT_RANGE, STEP_COUNT_RANGE } from '../domain';
import type { IssueList } from './issues';

/** The parsed explanation_metadata.json and where it was read (a path or a gs:// URI), for messages. */
export interface ExplanationMetadataFile {
  content: unknown;
  source: string;
}

/** The file name AI Platform read from the model directory. */
export const EXPLANATION_METADATA_FILE = 'explanation_metadata.json';

/** Vertex Explainable AI's announced end (banner on the stored explainable-ai pages, 2026). */
const EXPLAINABLE_AI_SHUTDOWN = 'March 16, 2027';

// The ranges are Vertex AI's (src/domain/vertex-rules.ts, which the emulator checks too). AI Platform's defaults: 50.
const DEFAULT_COUNT = 50;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fields whose values are free JSON (baselines, mappings): copied as they are. */
const OPAQUE_FIELDS = new Set(['inputBaselines', 'encodedBaselines', 'indexDisplayNameMapping']);
/** Maps keyed by the user's feature names: their keys are kept, their values converted. */
const NAMED_MAPS = new Set(['inputs', 'outputs']);

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function toCamel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCamel);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      const name = camel(key);
      if (OPAQUE_FIELDS.has(name)) return [name, inner];
      if (NAMED_MAPS.has(name) && isObject(inner))
        return [name, Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, toCamel(v)]))];
      return [name, toCamel(inner)];
    }),
  );
}

/** The file's content as Vertex ExplanationMetadata: keys camelCase, AI Platform's `framework` dropped. */
function vertexExplanationMetadata(content: Json): Json {
  const { framework: _framework, ...rest } = content;
  return toCamel(rest) as Json;
}

function checkCount(field: string, value: unknown, [min, max]: readonly [number, number], issues: IssueList): number {
  const count = typeof value === 'number' ? value : DEFAULT_COUNT;
  if (!Number.isInteger(count) || count < min || count > max) {
    issues.refuse(field, `Vertex AI takes ${min} to ${max} (it is ${count})`);
  }
  return count;
}

/**
 * Model.explanationSpec for a Version's explanationConfig, or undefined when there is none (or
 * after refusing). Always warns about the shutdown of Vertex Explainable AI.
 */
export function vertexExplanationSpec(
  config: Json | undefined,
  metadata: ExplanationMetadataFile | undefined,
  deploymentUri: string | undefined,
  issues: IssueList,
): Json | undefined {
  if (!config || !Object.keys(config).length) return undefined;
  issues.warn(
    'explanationConfig',
    `Vertex Explainable AI is deprecated and shuts down on ${EXPLAINABLE_AI_SHUTDOWN}; explanations stop then`,
  );
  const parameters: Json = {};
  for (const [method, settings] of Object.entries(config)) {
    const given = isObject(settings) ? settings : {};
    if (method === 'integratedGradientsAttribution' || method === 'xraiAttribution') {
      const { numIntegralSteps, ...rest } = given;
      const stepCount = checkCount(`explanationConfig.${method}.numIntegralSteps`, numIntegralSteps, STEP_COUNT_RANGE, issues);
      parameters[method] = { ...rest, stepCount };
    } else if (method === 'sampledShapleyAttribution') {
      parameters[method] = { pathCount: checkCount(`explanationConfig.${method}.numPaths`, given.numPaths, PATH_COUNT_RANGE, issues) };
    } else {
      issues.refuse(
        `explanationConfig.${method}`,
        'has no Vertex AI equivalent (Vertex AI offers integrated gradients, XRAI and sampled Shapley)',
      );
    }
  }
  const where = deploymentUri ?? 'the model directory';
  if (!metadata) {
    issues.refuse('explanationConfig', `Vertex AI needs the model's inputs and outputs: no ${EXPLANATION_METADATA_FILE} in ${where}`);
    return undefined;
  }
  const content = metadata.content;
  if (!isObject(content) || !isObject(content.inputs) || !isObject(content.outputs)) {
    issues.refuse(
      'explanationConfig',
      `${metadata.source} must be a JSON object with "inputs" and "outputs" objects (Vertex AI requires both)`,
    );
    return undefined;
  }
  return { metadata: vertexExplanationMetadata(content), parameters };
}
