// GCLOUD_AIP_STRICT: refuse before anything is uploaded or sent what AI Platform's service refused
// although gcloud sends it: the documented name, runtime, Python, custom-container and endpoint rules
// of the Version (serviceProblems in src/version/schema.ts) and the Model (src/domain/model.ts).
// Off by default, because gcloud-aip sends what gcloud sends and the recorded gcloud cases include
// such requests; `emulators ai-platform env-init` turns it on, so that a job against the emulator
// fails before its upload where AI Platform would have refused the request after it.
import { UserError } from '../errors';
import { FALSE_WORDS } from './properties';

export const STRICT_ENV = 'GCLOUD_AIP_STRICT';

// A boolean property's false words (properties.ts); unlike a property, anything else not in ON is refused.
const ON = ['1', 'true', 'yes', 'on'];

/** Whether the service's own rules are checked before anything is uploaded or sent. */
export function strictServiceRules(env: NodeJS.ProcessEnv): boolean {
  const raw = env[STRICT_ENV];
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (ON.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new UserError(`${STRICT_ENV} is set to [${raw}], which is not a boolean; use true or false.`);
}
