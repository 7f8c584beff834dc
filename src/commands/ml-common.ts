// What the `ai-platform models|versions|operations` commands share besides their flags (flags.ts):
// region → endpoint (with gcloud's "Using endpoint" line), the API client, printing a list, and
// gcloud's delete confirmation prompt.
import * as fs from 'node:fs';
import { MlApi } from '../api/ml';
import { MlResources } from '../api/resources';
import { aiplatformEndpoint, isLocalEndpoint, mlEndpoint } from '../config/endpoints';
import { InterruptedError } from '../errors';
import { vertexClient, type VertexClient, type VertexSession } from '../targets/vertex-ai';
import { GLOBAL_REGION_LOCATION, vertexLocation } from '../vertex';
import type { CommandContext } from '../cli/command';

/**
 * gcloud's region for models/versions commands: --region, then ai_platform/region, then (where
 * gcloud would prompt on a terminal) us-central1.
 */
export function commandRegion(options: { region?: string }, ctx: CommandContext): string {
  if (ctx.specified.has('region')) return options.region!;
  return ctx.properties.get('ai_platform/region') ?? 'us-central1';
}

/**
 * The region of a command on the Vertex AI target: commandRegion's, except that `global` read from
 * ai_platform/region while Vertex AI is a local emulator is taken as us-central1 without a word.
 * `emulators ai-platform env-init` exports that property (regional ml hosts do not resolve
 * locally), so it is not the user's choice: warning that Vertex AI has no global endpoint, or that
 * a global-endpoint model scaled to zero, would be about a setting they did not make and that their
 * real deployment will not have. `--region=global` on the command line, or `global` with Google's
 * Vertex AI, is the user's, and is still warned about (src/vertex maps it to us-central1 too).
 */
export function vertexCommandRegion(options: { region?: string }, ctx: CommandContext): string {
  const region = commandRegion(options, ctx);
  const fromProperty = !ctx.specified.has('region');
  const local = isLocalEndpoint(aiplatformEndpoint(ctx.properties, GLOBAL_REGION_LOCATION));
  return region === 'global' && fromProperty && local ? GLOBAL_REGION_LOCATION : region;
}

/** The API client for a region (undefined or `global`: the global endpoint), announced as gcloud does. */
export function connect(ctx: CommandContext, region: string | undefined): MlResources {
  const endpoint = mlEndpoint(ctx.properties, region ?? 'global');
  ctx.output.status(`Using endpoint [${endpoint}]`);
  return new MlResources(connectApi(ctx, endpoint));
}

export function connectApi(ctx: CommandContext, endpoint: string): MlApi {
  return new MlApi({ endpoint, http: ctx.http(), credentials: ctx.credentials() });
}

/**
 * A typed Vertex AI client for a location (src/targets/vertex-ai), announced as gcloud's `ai`
 * commands announce theirs. The GA track speaks v1; beta and alpha speak v1beta1, as `gcloud beta
 * ai` does; endpoint operations are polled through v1beta1.
 */
export function connectVertexClient(ctx: CommandContext, location: string): VertexClient {
  const endpoint = aiplatformEndpoint(ctx.properties, location);
  ctx.output.status(`Using endpoint [${endpoint}]`);
  return vertexClient({
    endpoint,
    http: ctx.http(),
    credentials: ctx.credentials(),
    apiVersion: ctx.track === 'GA' ? 'v1' : 'v1beta1',
    project: ctx.requireProject(),
    location,
  });
}

/**
 * What the Vertex AI flows of the models, versions and operations commands need: a client for the
 * location of `region` (`global` → us-central1; Vertex AI is regional), announced as
 * connectVertexClient's, gcloud's deletion prompt, and the credentials sentence of NOT_FOUND errors.
 */
export function vertexSession(ctx: CommandContext, region: string): VertexSession {
  return {
    client: connectVertexClient(ctx, vertexLocation(region)),
    output: ctx.output,
    project: ctx.requireProject(),
    confirm: (message) => confirmDeletion(ctx, message),
    credentialsInfo: () => ctx.credentials().describe(),
  };
}

/** The project for bare resource ids, read only when one is needed. */
export function projectOf(ctx: CommandContext): () => string {
  return () => ctx.requireProject();
}

/**
 * gcloud's "Do you want to continue (Y/n)?" before a deletion. With prompts disabled (--quiet,
 * core/disable_prompts) it goes ahead; otherwise it asks on stderr and reads a line from stdin
 * even when stdin is not a terminal: an empty line or end of input means yes, `n`/`no` aborts.
 */
export function confirmDeletion(ctx: CommandContext, message: string): void {
  if (ctx.properties.getBool('core/disable_prompts', false)) return;
  ctx.output.raw(`${wrapPrompt(message)}\n\nDo you want to continue (Y/n)?  `);
  let answer: boolean | undefined;
  try {
    while (answer === undefined) {
      const line = readStdinLine();
      const word = line?.trim().toLowerCase();
      if (line === undefined || line === '') answer = true;
      else if (word === 'y' || word === 'yes') answer = true;
      else if (word === 'n' || word === 'no') answer = false;
      else ctx.output.raw("Please enter 'y' or 'n':  ");
    }
  } finally {
    ctx.output.raw('\n');
  }
  if (!answer) throw new InterruptedError();
}

const PROMPT_WIDTH = 80;

/** Python's textwrap.fill as gcloud configures it for prompts: breaks at spaces, keeps them. */
function wrapPrompt(message: string): string {
  return message
    .split('\n')
    .map((line) => {
      const out: string[] = [];
      let current = '';
      for (const chunk of line.split(/(?<=\s)(?=\S)/)) {
        if (current && current.length + chunk.trimEnd().length > PROMPT_WIDTH) {
          out.push(current);
          current = '';
        }
        current += chunk;
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}

/** One line from stdin without its newline; undefined at end of input (or with no stdin at all). */
function readStdinLine(): string | undefined {
  const bytes: number[] = [];
  const buffer = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buffer, 0, 1, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // A non-blocking pipe with nothing in it yet: wait a little, as a blocking read would.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      if (code === 'EOF' || code === 'EBADF' || code === 'EINVAL' || code === 'ENXIO') n = 0;
      else throw err;
    }
    if (n === 0) return bytes.length ? Buffer.from(bytes).toString('utf8') : undefined;
    if (buffer[0] === 0x0a) return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
    bytes.push(buffer[0]);
  }
}
