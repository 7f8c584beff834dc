// The emulator's front door: start one (the services behind it are ml v1, Cloud Storage, IAM
// Credentials, OAuth and the MLflow registry, each in its own folder) and describe injected faults.
// Code outside src/emulator imports from here only; it is bundled apart from the CLI (dist/emulator.js).
export { startEmulator, type EmulatorOptions, type RecordedRequest, type RunningEmulator } from './server';
export { FAULT_KINDS, FaultSpecError, parseFaultSpec, type FaultKind, type FaultSpec } from './faults';
export { generateTlsMaterial, type TlsMaterial } from './certificates';
export { OciIdentityService } from './oci/identity';
export { OciTrust } from './oci/trust';
export { compactDataDir, type CompactReport } from './compact';
