// Every command is a small typed module registered here: its path, the tracks that have it, its
// positionals and flags (data), its help, and a handler that gets parsed options plus a context.
import type { Credentials } from '../context/auth';
import type { HttpClient } from '../net';
import type { Output } from '../context/output';
import type { Properties } from '../context/properties';
import type { FlagSpec, PositionalSpec, Track } from '../flags/spec';
import type { BuiltVersion } from '../version/build';
import { versionsCreateCommand } from './versions-create';
import { emulatorCommands } from './emulators';
import { mlflowCommands } from './mlflow';
import { modelsCommands } from './models';
import { operationsCommands } from './operations';
import { versionsCommands } from './versions';

export interface CommandContext {
  track: Track;
  /** Flags given explicitly (gcloud's IsSpecified). */
  specified: Set<string>;
  output: Output;
  properties: Properties;
  credentials(): Credentials;
  http(): HttpClient;
  /** core/project, or gcloud's "required property [project] is not currently set" error. */
  requireProject(): string;
  uploadChunkSize?: number;
  /** Prints a command's result per --format (default: the command's own format). */
  printResult(resource: unknown): void;
  /** The pre-flight check of the merged request (version/validate.ts). */
  validateVersion(version: BuiltVersion): void;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM: long steps stop and say what they leave behind. */
  signal: AbortSignal;
}

export interface CommandHelp {
  brief: string;
  description: string;
  examples: string;
  /** --help heading (markdown; a second paragraph is an indented note) of each flag group, by group name. */
  flagGroups?: Record<string, string>;
}

export interface CommandDefinition {
  path: string[];
  tracks: Track[];
  positionals: PositionalSpec[];
  flags: FlagSpec[];
  /** gcloud's default --format for this command's result. */
  defaultFormat: string;
  help: CommandHelp;
  /** Commands that are not gcloud's (the emulator) skip gcloud's context and properties. */
  standalone?: boolean;
  run(options: Record<string, unknown>, ctx: CommandContext): Promise<void>;
}

export const COMMANDS: CommandDefinition[] = [
  versionsCreateCommand, ...versionsCommands, ...modelsCommands, ...operationsCommands, ...emulatorCommands, ...mlflowCommands,
];
