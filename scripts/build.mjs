// Bundles the CLI into one file so start-up stays near bare Node. Heavy libraries that only some
// paths need (storage, auth, spinner) stay external and are imported lazily from node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  external: ['@google-cloud/storage', 'google-auth-library', 'ora'],
  logLevel: 'warning',
});
