// Pre-flight check of the merged request, before anything is uploaded: every problem at once,
// each naming the field (API camelCase) and where its value came from.
import { UserError } from '../errors';
import type { Output } from '../ui/output';
import { topLevelField } from '../schema/problems';
import type { BuiltVersion } from './build';
import { KNOWN_MACHINE_TYPES, MAX_MODEL_FILES, serviceProblems, versionProblems } from './schema';

/** ` (from --flag)` or ` (from file, line N)`: where a checked field's value came from. */
export function origin(source: string | undefined): string {
  if (!source) return '';
  const m = /^(.*):(\d+)$/.exec(source);
  return m ? ` (from ${m[1]}, line ${m[2]})` : ` (from ${source})`;
}

/**
 * The checks before anything is uploaded or sent. With `serviceRegion` (GCLOUD_AIP_STRICT, on the
 * ai-platform target) also the rules the service enforces beyond gcloud's, for the endpoint of that
 * region (`global`, or a regional endpoint's region).
 */
export function validateVersion(built: BuiltVersion, output: Output, skip: boolean, serviceRegion?: string): void {
  const machineType = built.body.machineType;
  // gcloud sends any --machine-type silently; the note is for --verbosity=info, not a WARNING line.
  if (typeof machineType === 'string' && !KNOWN_MACHINE_TYPES.includes(machineType)) {
    output.info(`machineType [${machineType}] is not one of the documented machine types; sending it as given.`);
  }
  const problems = versionProblems(built.body);
  if (serviceRegion !== undefined) problems.push(...serviceProblems(built.body, serviceRegion));
  if (built.localFileCount !== undefined && built.localFileCount > MAX_MODEL_FILES) {
    problems.push({
      field: 'deploymentUri',
      message: `the total number of model files can't exceed ${MAX_MODEL_FILES} (the origin directory holds ${built.localFileCount})`,
    });
  }
  if (!problems.length) return;
  const lines = problems.map((p) => `${p.field}: ${p.message}${origin(built.sources[topLevelField(p.field)])}`);
  if (skip) {
    output.warning(`--no-validate: sending a request that breaks the service's documented rules:\n${lines.join('\n')}`);
    return;
  }
  throw new UserError(lines.join('\n'));
}
