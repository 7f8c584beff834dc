// How a flag is declared: one FlagSpec per flag, tagged with the release tracks that have it.
// Commands list their flags as data; the parser (parser.ts) and help (help.ts) read these specs.
import type { RawValue } from './arg-types';

export type Track = 'GA' | 'BETA' | 'ALPHA';
export const ALL_TRACKS: Track[] = ['GA', 'BETA', 'ALPHA'];
export const BETA_AND_ALPHA: Track[] = ['BETA', 'ALPHA'];

/** What repeating a flag does: argparse's default `store` (last wins) or gcloud's UpdateAction (accumulate). */
export type RepeatRule = 'last-wins' | 'accumulate';

export interface FlagSpec {
  /** `--model`; `dest` is the camelCase key in the parsed options (`model`). */
  name: string;
  dest: string;
  /** `value` takes one argument; `bool` takes none (`--no-<name>` too when `negatable`). */
  kind: 'value' | 'bool';
  metavar?: string;
  choices?: string[];
  /**
   * How a value is matched against `choices`: `exact` (argparse's plain choices: --region,
   * --verbosity) or `normalized` (calliope's ChoiceArgument and ChoiceEnumMapper: `_` becomes `-` and
   * the value is lower-cased before the check, so `SCIKIT_LEARN` selects `scikit-learn`).
   */
  choiceSpelling?: 'exact' | 'normalized';
  /** Converts the raw value (argv string or --flags-file YAML value); throws FlagValueError. */
  parse?: (raw: RawValue) => unknown;
  repeat?: RepeatRule;
  negatable?: boolean;
  required?: boolean;
  /** gcloud-wide flags are accepted anywhere on the command line. */
  global?: boolean;
  hidden?: boolean;
  tracks: Track[];
  help: string;
  /** Help section heading for grouped flags (e.g. autoscaling), shown in --help. */
  group?: string;
  /** A --help section of its own (`LIST COMMAND` → LIST COMMAND FLAGS), after the other flags. */
  category?: string;
  /** The default --help shows after the metavar (`; default=50`). */
  helpDefault?: string;
}

export interface PositionalSpec {
  name: string; // VERSION
  dest: string;
  help: string;
}

export function flag(spec: Omit<FlagSpec, 'dest' | 'tracks'> & { dest?: string; tracks?: Track[] }): FlagSpec {
  const dest = spec.dest ?? spec.name.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return { tracks: ALL_TRACKS, ...spec, dest };
}
