// Bundles the CLI into one file so start-up stays near bare Node: dist/bundle.js, minified, loaded
// by dist/cli.js through V8's code cache (scripts/cli-loader.cjs). Libraries that only some paths
// need (auth, spinner) stay external and are imported lazily from node_modules.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/bundle.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  external: ['google-auth-library', 'ora'],
  logLevel: 'warning',
});
copyFileSync('scripts/cli-loader.cjs', 'dist/cli.js');
// A fresh code cache for the fresh bundle: one run that loads it writes the cache as it exits.
rmSync('dist/bundle.js.cache', { force: true });
execFileSync(process.execPath, ['bin/gcloud-aip.js', 'ai-platform', 'versions', 'create', '--help'], { stdio: 'ignore' });
