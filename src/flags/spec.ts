// How a flag is declared: one FlagSpec per flag, tagged with the release tracks that have it.
// Commands list their flags as data; the parser (parser.ts) and help (help.ts) read these specs.
import type { RawValue } from './arg-types';

export type Track = 'GA' | 'BETA' | 'ALPHA';

/** The command-line words that name a release track (none for GA): `gcloud beta ai-platform …`. */
export function trackWords(track: Track): string[] {
  return track === 'GA' ? [] : [track.toLowerCase()];
}

/** The track a leading command-line word names. */
export const TRACK_OF_WORD: Record<string, Track> = { alpha: 'ALPHA', beta: 'BETA' };
export const ALL_TRACKS: Track[] = ['GA', 'BETA', 'ALPHA'];
export const BETA_AND_ALPHA: Track[] = ['BETA', 'ALPHA'];

/** What repeating a flag does: argparse's default `store` (last wins) or gcloud's UpdateAction (accumulate). */
export type RepeatRule = 'last-wins' | 'accumulate';

/**
 * One flag. The type parameters carry what the parser will put in a handler's options: the key
 * (`dest`), the value's type (what `parse` returns; a string, or a boolean for `bool` flags) and
 * whether the flag is required — so a command's options type is inferred from its declarations.
 */
export interface FlagSpec<Dest extends string = string, Value = unknown, Required extends boolean = boolean> {
  /** `--model`; `dest` is the camelCase key in the parsed options (`model`). */
  name: string;
  dest: Dest;
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
  parse?: (raw: RawValue) => Value;
  repeat?: RepeatRule;
  negatable?: boolean;
  required?: Required;
  /** gcloud-wide flags are accepted anywhere on the command line. */
  global?: boolean;
  hidden?: boolean;
  /**
   * Not gcloud's (--target, --dry-run, --mlflow-*…) on a command that is: --help lists it, but the
   * usage block of an argument error stays gcloud's, verbatim.
   */
  gcloudAipOnly?: boolean;
  /**
   * gcloud-aip only: on its tracks the flag exists only for this target (`--target`, else
   * GCLOUD_AIP_TARGET); with another target the line is parsed as if it were not declared
   * (main.ts), so gcloud's own error stays gcloud's.
   */
  onlyForTarget?: string;
  tracks: Track[];
  help: string;
  /** Help section heading for grouped flags (e.g. autoscaling), shown in --help. */
  group?: string;
  /** A --help section of its own (`LIST COMMAND` → LIST COMMAND FLAGS), after the other flags. */
  category?: string;
  /** The default --help shows after the metavar (`; default=50`). */
  helpDefault?: string;
}

export interface PositionalSpec<Dest extends string = string> {
  name: string; // VERSION
  dest: Dest;
  help: string;
}

/** Any flag, whatever its key and value. */
// biome-ignore lint/suspicious/noExplicitAny: a flag of any value type (unknown would not accept a typed parse function)
export type AnyFlagSpec = FlagSpec<string, any, boolean>;

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** `--staging-bucket` → `stagingBucket`: the key of a flag's value in the parsed options. */
export type DestOf<Name extends string> = CamelCase<Name extends `--${infer Bare}` ? Bare : Name>;

function destOf(name: string): string {
  return name.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

type FlagDeclaration<Name extends string, Kind extends FlagSpec['kind'], Value, Dest extends string, Required extends boolean> = Omit<
  FlagSpec,
  'name' | 'dest' | 'kind' | 'parse' | 'required' | 'tracks'
> & { name: Name; kind: Kind; dest?: Dest; parse?: (raw: RawValue) => Value; required?: Required; tracks?: Track[] };

/** A flag: all release tracks unless it says otherwise; `dest` from the name unless it says otherwise. */
export function flag<
  const Name extends string,
  Kind extends FlagSpec['kind'],
  Value = Kind extends 'bool' ? boolean : string,
  Dest extends string = DestOf<Name>,
  Required extends boolean = false,
>(spec: FlagDeclaration<Name, Kind, Value, Dest, Required>): FlagSpec<Dest, Value, Required> {
  // destOf() computes at run time what DestOf<Name> computes for the type checker.
  const dest = (spec.dest ?? destOf(spec.name)) as Dest;
  return { tracks: ALL_TRACKS, ...spec, dest };
}

export function positional<const Dest extends string>(spec: PositionalSpec<Dest>): PositionalSpec<Dest> {
  return spec;
}

type ValueOf<F> = F extends FlagSpec<string, infer Value, boolean> ? Value : never;
type IsRequired<F> = F extends FlagSpec<string, unknown, true> ? true : false;

/** The options a parser fills from these flags: required flags always present, the others optional. */
export type FlagValues<Flags extends readonly AnyFlagSpec[]> = {
  [F in Flags[number] as IsRequired<F> extends true ? F['dest'] : never]: ValueOf<F>;
} & {
  [F in Flags[number] as IsRequired<F> extends true ? never : F['dest']]?: ValueOf<F>;
};

/** The positionals' values, by key: each is required. */
export type PositionalValues<Positionals extends readonly PositionalSpec[]> = {
  [P in Positionals[number] as P['dest']]: string;
};
