// The emulator's front door: start one (the services behind it are ml v1, Vertex AI, Cloud Storage,
// IAM Credentials, OAuth, the MLflow registry and OCI identity, each in its own folder) and describe injected faults.
// Code outside src/emulator imports from here only; it is bundled apart from the CLI (dist/emulator.js).
export { startEmulator, type EmulatorOptions, type RecordedRequest, type RunningEmulator } from './server';
export { FaultSpecError, parseFaultSpec, type FaultSpec } from './faults';
export { generateTlsMaterial, type TlsMaterial } from './certificates';
export { OciIdentityService } from './oci/identity';
export { OciTrust } from './oci/trust';
/** The project number the Vertex AI service answers with for a project id (vertex/names.ts). */
export { projectNumber as vertexProjectNumber } from './vertex/names';
export { compactDataDir, type CompactReport } from './compact';
