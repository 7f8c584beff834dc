// JSON answers of the emulator's APIs, typed as the tests read them. A shape declares the fields tests
// read: an answer carries one resource's fields (or an error), and one it lacks is undefined at run
// time, which fails the assertion that reads it; a misspelt field name is a type error (which `any`
// let through).

/** Parses an answer body as the shape the test expects; an empty body (a 204) is undefined. */
export function parseAnswer<T>(text: string): T {
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Reads and parses an answer body; see parseAnswer. */
export async function readAnswer<T>(res: Response): Promise<T> {
  return parseAnswer<T>(await res.text());
}

/** Google's error envelope (ml v1 and storage v1). */
export interface GoogleError {
  code: number;
  message: string;
  status: string;
  errors: { domain: string; reason: string; message: string }[];
}

/** ml v1: a Model, a Version or an Operation, a page of them, or an error. */
export interface MlAnswer {
  '@type': string;
  name: string;
  description: string;
  labels: Record<string, string>;
  regions: string[];
  etag: string;
  state: string;
  isDefault: boolean;
  errorMessage: string;
  deploymentUri: string;
  runtimeVersion: string;
  defaultVersion: MlAnswer;
  done: boolean;
  metadata: { '@type': string; operationType: string; modelName: string; createTime: string; endTime: string; version: MlAnswer };
  response: MlAnswer;
  error: GoogleError;
  models: MlAnswer[];
  versions: MlAnswer[];
  operations: MlAnswer[];
  nextPageToken: string;
}

/** storage v1: a bucket or an object, a page of objects, or an error. */
export interface StorageAnswer {
  kind: string;
  id: string;
  name: string;
  bucket: string;
  generation: string;
  metageneration: string;
  storageClass: string;
  etag: string;
  selfLink: string;
  timeCreated: string;
  updated: string;
  size: string;
  contentType: string;
  md5Hash: string;
  crc32c: string;
  mediaLink: string;
  metadata: Record<string, string>;
  items: StorageAnswer[];
  prefixes: string[];
  nextPageToken: string;
  error: GoogleError;
}

/** An MLflow model version (both URL forms). */
export interface MlflowModelVersion {
  name: string;
  version: string;
  source: string;
  run_id: string;
  status: string;
  status_message: string;
}

/** An MLflow registered model. */
export interface MlflowRegisteredModel {
  name: string;
  latest_versions: MlflowModelVersion[];
}

/** MLflow: a registered model or model version, a search page, or an error (open-source form:
 * error_code; OCI form: code). */
export interface MlflowAnswer {
  registered_model: MlflowRegisteredModel;
  registered_models: MlflowRegisteredModel[];
  model_version: MlflowModelVersion;
  model_versions: MlflowModelVersion[];
  next_page_token: string;
  error_code: string;
  code: string;
  message: string;
}
