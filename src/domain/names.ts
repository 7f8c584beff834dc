// The naming rule of AI Platform Prediction's models and versions, shared by the CLI's pre-flight
// check (models create, versions create) and the emulator.
//
// managing-models-jobs, "Naming AI Platform Prediction resources": "Each name: May only contain
// letters, numbers, and underscores. Is case-sensitive. Must start with a letter. Must be no more
// than 128 characters long." (https://cloud.google.com/ai-platform/prediction/docs/managing-models-jobs)

const MAX_ML_NAME_LENGTH = 128;

/** The service's words for a name that breaks the rule (its 400 for `models create 1-bad`). */
export const ML_NAME_ERROR = 'A name should start with a letter and contain only letters, numbers and underscores.';

/** Why `name` cannot name a model or a version, in the service's words; undefined when it can. */
export function mlNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) return ML_NAME_ERROR;
  if (name.length > MAX_ML_NAME_LENGTH) {
    return `A name should be no more than ${MAX_ML_NAME_LENGTH} characters long (this one has ${name.length}).`;
  }
  return undefined;
}
