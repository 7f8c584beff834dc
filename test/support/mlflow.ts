// The MLflow registry requests the emulator logged, as the MLflow e2e tests read them.
import type { RecordedRequest, RunningEmulator } from '../../src/emulator';

/** The MLflow registry requests the emulator received (either URL form). */
export function registryRequests(emulator: RunningEmulator): RecordedRequest[] {
  return emulator.requests().filter((r) => r.path.includes('/api/2.0/mlflow/'));
}

/** Of those, the model-versions/create calls. */
export function registryCreates(emulator: RunningEmulator): RecordedRequest[] {
  return registryRequests(emulator).filter((r) => r.path.endsWith('/model-versions/create'));
}
