// The domain: AI Platform's vocabulary and rules, below the CLI and shared with the emulator.
export * from './buckets';
export * from './labels';
export * from './version';
export * from './vocabulary';
