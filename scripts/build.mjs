// Bundles the CLI into one file so start-up stays near bare Node: dist/bundle.js, minified, loaded
// by dist/cli.js through V8's code cache (scripts/cli-loader.cjs). Libraries that only some paths
// need stay out of it and are required lazily: auth from node_modules, the spinner as dist/ora.js,
// the emulator as dist/emulator.js.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// The spinner library is ESM-only; as its own CommonJS file it loads with a plain require() (the
// code-cached bundle cannot use import(): scripts compiled through node:vm have no module loader).
await build({ ...common, stdin: { contents: "export { default } from 'ora';", resolveDir: '.' }, outfile: 'dist/ora.js' });

// The emulator (its own front door, src/emulator/index.ts) is only for `emulators ai-platform start`.
await build({ ...common, entryPoints: ['src/emulator/index.ts'], outfile: 'dist/emulator.js' });

/** `import('ora')` and `import('../emulator')` → the CommonJS builds above, required from beside the bundle. */
const besideBundle = {
  name: 'beside-bundle',
  setup(b) {
    b.onResolve({ filter: /^ora$/ }, () => ({ path: './ora.js', external: true }));
    b.onResolve({ filter: /^\.\.\/emulator$/ }, () => ({ path: './emulator.js', external: true }));
  },
};

await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/bundle.js',
  sourcemap: 'linked',
  external: ['google-auth-library'],
  plugins: [besideBundle],
  // import() becomes require(): see above.
  supported: { 'dynamic-import': false },
});
copyFileSync('scripts/cli-loader.cjs', 'dist/cli.js');
// A fresh code cache for the fresh bundle: one run that loads it writes the cache as it exits.
rmSync('dist/bundle.js.cache', { force: true });
execFileSync(process.execPath, ['bin/gcloud-aip.js', 'ai-platform', 'versions', 'create', '--help'], { stdio: 'ignore' });
