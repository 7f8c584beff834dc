// The documented rules of the Model resource, shared by `models create` (checked before anything is
// sent) and the emulator (which refuses the same bodies with the service's 400).
import { mlNameProblem } from './names';

export interface ModelProblem {
  /** The field, as the service names it in `Field: model.FIELD Error: …`. */
  field: string;
  message: string;
}

/** Everything wrong with a Model body sent to the endpoint of `region` (`global` or a region). */
export function modelProblems(body: Record<string, unknown>, region: string): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const nameProblem = typeof body.name === 'string' ? mlNameProblem(body.name) : undefined;
  if (nameProblem) problems.push({ field: 'name', message: nameProblem });
  // REST Model.regions: "Only one region per model is supported."
  if (Array.isArray(body.regions) && body.regions.length > 1) {
    problems.push({ field: 'regions', message: 'Currently only one region per model is supported.' });
  }
  // regional-endpoints: "you can use GPUs on regional endpoints, but you cannot currently enable
  // stream (console) logging."
  if (region !== 'global' && body.onlinePredictionConsoleLogging === true) {
    problems.push({
      field: 'online_prediction_console_logging',
      message: `console logging (stream logging) is not available on regional endpoints (region ${region})`,
    });
  }
  return problems;
}
