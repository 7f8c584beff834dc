// The domain: AI Platform's vocabulary and rules (regions, frameworks, accelerators, metric names,
// label, bucket-name and model/version-name rules) and Vertex AI's ID and alias grammars and ranges,
// below the CLI and shared with the emulator. Everything about the Version resource itself (its
// schema, output-only fields, how a request is built) is in src/version/.
export * from './buckets';
export * from './labels';
export * from './vocabulary';
export * from './names';
export * from './model';
export * from './vertex-rules';
