// Which service the ai-platform commands talk to. AI Platform Prediction (ml.googleapis.com) was
// shut down on 2025-01-31; with `vertex-ai` the same command lines deploy to Vertex AI instead.
// Selected per command by --target, else by GCLOUD_AIP_TARGET (so a CI job changes nothing in its
// script), else ai-platform (gcloud's own requests).
import { UserError } from '../errors';

export const TARGETS = ['ai-platform', 'vertex-ai'] as const;
export type Target = (typeof TARGETS)[number];

export const TARGET_ENV = 'GCLOUD_AIP_TARGET';

function isTarget(value: string): value is Target {
  return (TARGETS as readonly string[]).includes(value);
}

/** The target of this run: the --target flag's value if given, else the environment's, else ai-platform. */
export function selectTarget(flagValue: string | undefined, env: NodeJS.ProcessEnv): Target {
  // The parser has checked the flag's value against TARGETS already.
  if (flagValue !== undefined && isTarget(flagValue)) return flagValue;
  const fromEnv = env[TARGET_ENV];
  if (fromEnv === undefined || fromEnv === '') return 'ai-platform';
  if (isTarget(fromEnv)) return fromEnv;
  throw new UserError(`${TARGET_ENV} is set to [${fromEnv}], which is not a target; use one of: ${TARGETS.join(', ')}.`);
}

/** The line added under an error from the shut-down service's real host (never under an override). */
export const SHUTDOWN_HINT =
  `AI Platform Prediction (ml.googleapis.com) was shut down on 2025-01-31 and its models were deleted. ` +
  `To run this command line against Vertex AI instead, set ${TARGET_ENV}=vertex-ai (or pass --target=vertex-ai).`;
