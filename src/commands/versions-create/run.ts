// `ai-platform versions create`, in named steps: resolve the request (origin, --config, flags, the
// pre-flight checks every target shares), stage a local --origin (steps.ts), then create and follow
// on the selected target — ml v1 (gcloud's own requests, ml-v1.ts) or Vertex AI (vertex-ai.ts). The
// target is chosen once, here; each target's step decides what it checks beyond the shared rules,
// what --dry-run prints and how the result is followed.
import type { CommandContext } from '../../cli/command';
import { createOnAiPlatform } from './ml-v1';
import type { VersionsCreateOptions } from './steps';
import { createOnVertexAi } from './vertex-ai';

export type { VersionsCreateOptions } from './steps';

export async function versionsCreate(options: VersionsCreateOptions, ctx: CommandContext): Promise<void> {
  if (ctx.target() === 'vertex-ai') await createOnVertexAi(options, ctx);
  else await createOnAiPlatform(options, ctx);
}
