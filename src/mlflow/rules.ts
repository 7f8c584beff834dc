// MLflow's own rules for what a registry accepts, beyond lengths (schema.ts): the checks of its
// mlflow/utils/validation.py and of the registry stores, as a real MLflow 3 server applies them.
// Pre-flight refuses with them before a deploy; the emulator answers INVALID_PARAMETER_VALUE with
// the same words. Names are treated as file paths by some stores, so a name that a path
// normalisation would change (`a//b`, `owner/`, `./x`) is refused, as MLflow's path_not_unique does.
import { posix } from 'node:path';

/** MLflow's tag names: word characters, `/`, `.`, `-`, space and `:`. */
const TAG_NAME = /^[\p{L}\p{N}_/.\- :]*$/u;

/** Python's posixpath.normpath, which MLflow uses: Node's keeps a trailing slash, Python's drops it. */
function normalPath(name: string): string {
  return posix.normalize(name).replace(/(.)\/+$/, '$1');
}

/** True when a path normalisation would turn `name` into another name (MLflow's path_not_unique). */
function changesAsPath(name: string): boolean {
  const normal = normalPath(name);
  return normal !== name || normal === '.' || normal.startsWith('..') || normal.startsWith('/');
}

/** Why MLflow refuses this registered model name, or undefined. */
export function modelNameProblem(name: string): string | undefined {
  if (name === '') return 'Registered model name cannot be empty.';
  if (/[/:]/.test(name)) return `Invalid name: '${name}'. Registered model names cannot contain '/' or ':'.`;
  if (name.includes('%')) return `Invalid name: '${name}'. Registered model names cannot contain '%'.`;
  if (changesAsPath(name)) return `Invalid name: '${name}'. Registered model names must not be '.', or start with '..'.`;
  return undefined;
}

/** Why MLflow refuses this tag key, or undefined. */
export function tagKeyProblem(key: string): string | undefined {
  if (!TAG_NAME.test(key)) {
    return `Invalid tag name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`;
  }
  if (changesAsPath(key)) {
    return `Invalid tag name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normalPath(key)}'.`;
  }
  return undefined;
}

/**
 * Why MLflow refuses this model version source, or undefined: a URI whose path has `.` or `..`
 * segments (MLflow refuses path traversal in sources), or that names a bucket's root rather than a
 * folder in it.
 */
export function sourceProblem(source: string): string | undefined {
  const uri = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(.*)$/i.exec(source);
  const path = uri ? uri[3] : source;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a stray '%': checked as written
  }
  if (decoded.split('/').some((segment) => segment === '.' || segment === '..')) {
    return `Invalid model version source: '${source}'. It must not contain '.' or '..' path segments.`;
  }
  if (uri && uri[1].toLowerCase() !== 'file' && /^\/*$/.test(path)) {
    return `Invalid model version source: '${source}'. It names the root of [${uri[1]}://${uri[2]}]; the model's files must be in a folder.`;
  }
  return undefined;
}
