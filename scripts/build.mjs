// Bundles the CLI into one file so start-up stays near bare Node: dist/bundle.js, minified, loaded
// by dist/cli.js through V8's code cache (scripts/cli-loader.cjs). Libraries that only some paths
// need stay out of it and are required lazily: auth from node_modules, the spinner as dist/ora.js,
// the emulator as dist/emulator.js.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

/**
 * undici's HTTP/1.1 client requires its HTTP/2 module at load, and that loads node:http2 (with
 * node:fs/promises and readline behind it): about a third of undici's start-up, for a protocol this
 * client never offers (no `allowH2`). The module stays in the bundle and loads only if a connection
 * ever negotiates h2. The build fails if undici's text changes under it, rather than silently not
 * deferring.
 */
const deferUndiciH2 = {
  name: 'defer-undici-h2',
  setup(b) {
    b.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/ }, async (args) => {
      const eager = "const connectH2 = require('./client-h2.js')";
      const text = await readFile(args.path, 'utf8');
      if (!text.includes(eager)) throw new Error(`${args.path}: expected "${eager}" (undici changed; update scripts/build.mjs)`);
      return {
        contents: text.replace(eager, "const connectH2 = (client, socket) => require('./client-h2.js')(client, socket)"),
        loader: 'js',
      };
    });
  },
};

await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/bundle.js',
  sourcemap: 'linked',
  external: ['google-auth-library'],
  plugins: [besideBundle, deferUndiciH2],
  // import() becomes require(): see above.
  supported: { 'dynamic-import': false },
});
copyFileSync('scripts/cli-loader.cjs', 'dist/cli.js');
// A fresh code cache for the fresh bundle: one run that loads it writes the cache as it exits.
rmSync('dist/bundle.js.cache', { force: true });
execFileSync(process.execPath, ['bin/gcloud-aip.js', 'ai-platform', 'versions', 'create', '--help'], { stdio: 'ignore' });
