// What a command is: its path, the tracks that have it, its positionals and flags (data), its help,
// and a handler that gets parsed options plus a context. Types only: the list of commands lives in
// commands/index.ts, so a command can import these without importing every other command.
import type { Credentials } from '../credentials/auth';
import type { HttpClient } from '../net';
import type { ListCommand, ListOptions, MessageType } from '../format';
import type { Output } from '../ui/output';
import type { Properties } from '../config/properties';
import type { Target } from '../config/target';
import type { GLOBAL_FLAGS } from '../flags/global-flags';
import type { AnyFlagSpec, FlagValues, PositionalSpec, PositionalValues, Track } from '../flags/spec';

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
  /** Prints a command's result per --format (default: the command's own format); `messageType`: the API message it is. */
  printResult(resource: unknown, messageType?: MessageType): void;
  /** Prints a list command's items through the list pipeline, with the list flags it was given (`options`). */
  printList(load: () => AsyncIterable<unknown>, options: ListOptions, command: Omit<ListCommand, 'output'>): Promise<void>;
  env: NodeJS.ProcessEnv;
  /** The service the ai-platform commands talk to: --target, else GCLOUD_AIP_TARGET, else ai-platform (read once). */
  target(): Target;
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
  positionals: readonly PositionalSpec[];
  flags: readonly AnyFlagSpec[];
  /** gcloud's default --format for this command's result. */
  defaultFormat: string;
  help: CommandHelp;
  /** Commands that are not gcloud's (the emulator) skip gcloud's context and properties. */
  standalone?: boolean;
  run(options: Record<string, unknown>, ctx: CommandContext): Promise<void>;
}

/** What a handler gets: its flags' and positionals' values (gcloud-wide flags included), typed by their declarations. */
export type CommandOptions<Flags extends readonly AnyFlagSpec[], Positionals extends readonly PositionalSpec[] = []> = FlagValues<
  readonly [...Flags, ...typeof GLOBAL_FLAGS]
> &
  PositionalValues<Positionals>;

export interface CommandDeclaration<Flags extends readonly AnyFlagSpec[], Positionals extends readonly PositionalSpec[]>
  extends Omit<CommandDefinition, 'flags' | 'positionals' | 'run'> {
  flags: Flags;
  positionals: Positionals;
  run(options: CommandOptions<Flags, Positionals>, ctx: CommandContext): Promise<void>;
}

/**
 * A command whose handler's options are inferred from its flag and positional declarations: the
 * parser fills the options from exactly these declarations, so no handler casts what it gets.
 */
export function defineCommand<const Flags extends readonly AnyFlagSpec[], const Positionals extends readonly PositionalSpec[]>(
  declaration: CommandDeclaration<Flags, Positionals>,
): CommandDefinition {
  return declaration;
}
