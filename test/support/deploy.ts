// The deploy most end-to-end tests run: gcloud-aip stages the TensorFlow SavedModel fixture and
// creates a version of model iris from it.
import * as path from 'node:path';
import { FIXTURES, runCli, type RunResult } from './cli';

/** The TensorFlow SavedModel fixture (4 files). */
export const TF_MODEL = path.join(FIXTURES, 'models', 'tf-saved-model');

/** `ai-platform versions create VERSION --model=iris --origin=TF_MODEL --staging-bucket=gs://BUCKET FLAGS…`. */
export function deployIris(version: string, bucket: string, flags: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  const argv = ['ai-platform', 'versions', 'create', version, '--model=iris', `--origin=${TF_MODEL}`, `--staging-bucket=gs://${bucket}`];
  return runCli([...argv, ...flags], env);
}

/** `ai-platform versions create VERSION --model iris FLAGS…`. */
export function createIrisVersion(version: string, flags: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runCli(['ai-platform', 'versions', 'create', version, '--model', 'iris', ...flags], env);
}
