// Fault injection for the emulator: the failures a real network and a busy Google front end
// produce, at chosen rates, so clients can be tested against them. Every ml and storage request
// draws one number from a seeded generator (in arrival order: the same seed and the same request
// order give the same faults) and suffers at most one fault:
//
//   503    answered 503 UNAVAILABLE before anything happens (with Retry-After half of the time)
//   429    answered 429 RESOURCE_EXHAUSTED with Retry-After, before anything happens
//   reset  the connection is cut while the request body arrives (at a random byte; at once when
//          there is no body): the handler sees a client that went away
//   lost   the request is carried out, then the connection is cut halfway through the response:
//          the client cannot know it happened (the create-then-reset case)
//   slow   the response is held back by slow-ms first
//
// and three that fire AFTER the request took effect, as a gateway in front of a server produces
// them (a create that was committed, answered with a failure):
//
//   after-502    carried out, then answered 502 Bad Gateway with the gateway's HTML page
//   after-503    carried out, then answered 503 Service Unavailable (JSON, no Retry-After)
//   after-reset  carried out, then the connection is cut before any answer
//
// Spec (the --faults flag, or $GCLOUD_AIP_EMULATOR_FAULTS): comma-separated key=value, e.g.
//   seed=7,503=0.05,429=0.02,reset=0.02,lost=0.01,slow=0.05,slow-ms=800,after-502=0.01
// plus match=REGEX (only requests whose "METHOD /path" matches), max=N (at most N faults in all)
// and retry-after=SECONDS (default 1).

export const FAULT_KINDS = ['503', '429', 'reset', 'lost', 'slow', 'after-502', 'after-503', 'after-reset'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  seed: number;
  rates: Partial<Record<FaultKind, number>>;
  /** Delay of a `slow` fault. Default 1000. */
  slowMs?: number;
  /** Retry-After sent with 429 (and half of the 503s). Default 1. */
  retryAfterSeconds?: number;
  /** Only requests whose `METHOD /raw/path` matches. */
  match?: RegExp;
  /** At most this many faults in all. */
  max?: number;
}

export class FaultSpecError extends Error {}

const isKind = (key: string): key is FaultKind => (FAULT_KINDS as readonly string[]).includes(key);

function nonNegativeInt(key: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new FaultSpecError(`Invalid fault spec: ${key} must be a whole number, not [${value}].`);
  return Number(value);
}

export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = { seed: 1, rates: {} };
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new FaultSpecError(`Invalid fault spec item [${item}]: expected KEY=VALUE.`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (isKind(key)) {
      const rate = Number(value);
      if (value === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
        throw new FaultSpecError(`Invalid fault spec: the rate of ${key} must be a number from 0 to 1, not [${value}].`);
      }
      spec.rates[key] = rate;
    } else if (key === 'seed') spec.seed = nonNegativeInt(key, value);
    else if (key === 'slow-ms') spec.slowMs = nonNegativeInt(key, value);
    else if (key === 'retry-after') spec.retryAfterSeconds = nonNegativeInt(key, value);
    else if (key === 'max') spec.max = nonNegativeInt(key, value);
    else if (key === 'match') {
      try {
        spec.match = new RegExp(value);
      } catch (err) {
        throw new FaultSpecError(`Invalid fault spec: match is not a regular expression: ${(err as Error).message}`);
      }
    } else {
      throw new FaultSpecError(
        `Invalid fault spec key [${key}]: expected one of ${[...FAULT_KINDS, 'seed', 'slow-ms', 'retry-after', 'match', 'max'].join(', ')}.`,
      );
    }
  }
  const total = Object.values(spec.rates).reduce((sum, rate) => sum + rate, 0);
  if (total > 1) throw new FaultSpecError(`Invalid fault spec: the rates add up to ${total}, more than 1.`);
  return spec;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  kind: FaultKind;
  /** For `reset`: the fraction of the request body let through before the cut; for `lost`: of the response. */
  cutAt: number;
  /** For `503`: whether to send Retry-After. */
  withRetryAfter: boolean;
}

export class FaultInjector {
  private readonly random: () => number;
  private injected = 0;
  readonly counts: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;

  constructor(readonly spec: FaultSpec) {
    this.random = seededRandom(spec.seed);
  }

  get slowMs(): number {
    return this.spec.slowMs ?? 1000;
  }

  get retryAfterSeconds(): number {
    return this.spec.retryAfterSeconds ?? 1;
  }

  /** The fault this request suffers, if any. Draws the same count of numbers for every matching request. */
  decide(method: string, rawPath: string): FaultDecision | undefined {
    if (this.spec.match && !this.spec.match.test(`${method} ${rawPath}`)) return undefined;
    const [pick, cutAt, retryAfter] = [this.random(), this.random(), this.random()];
    if (this.spec.max !== undefined && this.injected >= this.spec.max) return undefined;
    let threshold = 0;
    for (const kind of FAULT_KINDS) {
      threshold += this.spec.rates[kind] ?? 0;
      if (pick < threshold) {
        this.injected++;
        this.counts[kind]++;
        return { kind, cutAt, withRetryAfter: retryAfter < 0.5 };
      }
    }
    return undefined;
  }
}
