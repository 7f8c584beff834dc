// The commands gcloud suggests from: the installed Cloud SDK's own command tree (its static
// completion tree, data/cli/gcloud_completions.py), so that a mistyped command or value gets the
// suggestions gcloud would print; without the SDK, gcloud-aip's own commands.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Tree {
  commands?: Record<string, Tree>;
}

/** The SDK's root: $CLOUDSDK_ROOT_DIR, else where the `gcloud` on PATH lives (bin/gcloud under it). */
function sdkRoot(env: NodeJS.ProcessEnv): string | undefined {
  if (env.CLOUDSDK_ROOT_DIR) return env.CLOUDSDK_ROOT_DIR;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      return path.dirname(path.dirname(fs.realpathSync(path.join(dir, 'gcloud'))));
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

function leaves(tree: Tree, prefix: string[], out: string[][]): string[][] {
  const children = Object.entries(tree.commands ?? {});
  if (!children.length) out.push(prefix);
  for (const [word, child] of children) leaves(child, [...prefix, word], out);
  return out;
}

/** Every command of the installed SDK (its words after `gcloud`), or undefined without a readable tree. */
export function sdkCommands(env: NodeJS.ProcessEnv): string[][] | undefined {
  const root = sdkRoot(env);
  if (!root) return undefined;
  try {
    const text = fs.readFileSync(path.join(root, 'data', 'cli', 'gcloud_completions.py'), 'utf8');
    const start = text.indexOf('{', text.indexOf('STATIC_COMPLETION_CLI_TREE'));
    return leaves(JSON.parse(text.slice(start)) as Tree, [], []);
  } catch {
    return undefined;
  }
}
