// The labels gcloud-aip puts on what it makes in Vertex AI, so the AI Platform view can be rebuilt
// from Vertex resources (models list filters on `managed-by`; describe reads names, runtime,
// framework and Python version back). Vertex label rules (Endpoint/Model.labels, v1 message docs):
// keys and values of at most 64 characters, lowercase letters, digits, `_` and `-`; 64 labels per
// resource (AI Platform's limit, kept: https://cloud.google.com/vertex-ai/docs/general/resource-labels).
import { MAX_LABELS } from '../domain';
import type { IssueList } from './issues';

export const MANAGED_BY = { key: 'managed-by', value: 'gcloud-aip' } as const;

export const MARKER_KEYS = {
  model: 'aip-model',
  version: 'aip-version',
  runtimeVersion: 'aip-runtime-version',
  framework: 'aip-framework',
  pythonVersion: 'aip-python-version',
  /** Only when the machine type sent differs from the one asked for (mls1-*). */
  machineType: 'aip-machine-type',
  accessLogging: 'aip-access-logging',
  consoleLogging: 'aip-console-logging',
} as const;

const MAX_VALUE = 63;

/** Every key gcloud-aip sets: a user label with one of them would be overwritten, so it is refused. */
function isMarkerKey(key: string): boolean {
  return key === MANAGED_BY.key || (Object.values(MARKER_KEYS) as string[]).includes(key);
}

/**
 * An AI Platform name as a label value, reversibly: a capital letter becomes `-` and the letter in
 * lower case (`myModel_V2` → `my-model_-v2`); AI Platform names hold no `-`, so nothing else can
 * produce one. A value that would pass 63 characters is cut and marked with `--`, which no
 * encoding contains, so decoding it gives undefined instead of a wrong name.
 */
export function encodeNameLabel(name: string): string {
  const encoded = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return encoded.length <= MAX_VALUE ? encoded : `${encoded.slice(0, MAX_VALUE - 2).replace(/-+$/, '')}--`;
}

export function decodeNameLabel(value: string | undefined): string | undefined {
  if (value === undefined || !/^(?:[a-z0-9_]|-[a-z])+$/.test(value)) return undefined;
  return value.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `2.11` → `2_11`: label values take no dots. */
export function encodeDottedLabel(value: string): string {
  return value.trim().replace(/\./g, '_');
}

export function decodeDottedLabel(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.replace(/_/g, '.');
}

/** `SCIKIT_LEARN` → `scikit_learn` and back. */
export function encodeEnumLabel(value: string): string {
  return value.toLowerCase();
}

export function decodeEnumLabel(value: string | undefined): string | undefined {
  return value?.toUpperCase();
}

/** The labels a user set: everything but gcloud-aip's markers. */
export function userLabels(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([key]) => !isMarkerKey(key)));
}

/**
 * A resource's labels: the user's and gcloud-aip's markers (MANAGED_BY with them), sorted by key.
 * A user label with a marker's key, or more labels than Vertex AI takes, is refused; `what` (the
 * AI Platform model or version) says what the markers record.
 */
export function withMarkers(
  user: Readonly<Record<string, string>>,
  markers: Readonly<Record<string, string>>,
  what: 'model' | 'version',
  issues: IssueList,
): Record<string, string> {
  for (const key of Object.keys(user).filter(isMarkerKey)) {
    issues.refuse('labels', `the key '${key}' is reserved on Vertex AI: gcloud-aip records the AI Platform ${what} with it`);
  }
  const own = { [MANAGED_BY.key]: MANAGED_BY.value, ...markers };
  const labels = Object.fromEntries(Object.entries({ ...user, ...own }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (Object.keys(labels).length > MAX_LABELS) {
    issues.refuse(
      'labels',
      `Vertex AI takes at most ${MAX_LABELS} labels, and gcloud-aip adds ${Object.keys(own).length} of its own (${Object.keys(user).length} given)`,
    );
  }
  return labels;
}
