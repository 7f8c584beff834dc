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

/** Puts one object into the emulator's storage (a model folder for a registry `source` to name). */
export async function putObject(port: number, bucket: string, name: string): Promise<void> {
  const url = `http://127.0.0.1:${port}/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(name)}`;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'model' });
  if (!res.ok) throw new Error(`object upload failed: ${res.status} ${await res.text()}`);
}
