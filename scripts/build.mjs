// Bundles the CLI into one file so start-up stays near bare Node: dist/bundle.js, minified, loaded
// by dist/cli.js through V8's code cache (scripts/cli-loader.cjs). Libraries that only some paths
// need stay out of it and are required lazily: auth from node_modules, the emulator as dist/emulator.js.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { BUNDLE_WRAPPER } from './bundle-wrapper.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // The native crc32c (src/checksum/crc32c.ts) is required from node_modules at the first checksum,
  // its platform binary found there by its own loader; where it is missing the WebAssembly loop runs.
  external: ['@node-rs/crc32'],
};

// The emulator (its own front door, src/emulator/index.ts) is only for `emulators ai-platform start`.
await build({ ...common, entryPoints: ['src/emulator/index.ts'], outfile: 'dist/emulator.js' });

/**
 * undici's HTTP parser, WebAssembly as base64 text (70 KB each, with and without SIMD), is read only
 * when the first connection opens: as files beside the bundle, the bundle that every command reads
 * and compiles at start is a fifth smaller.
 */
const LLHTTP_FILES = ['llhttp_simd-wasm.js', 'llhttp-wasm.js'];

/** `import('../emulator')` and undici's parser → the files built or copied beside the bundle. */
const besideBundle = {
  name: 'beside-bundle',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/emulator$/ }, () => ({ path: './emulator.js', external: true }));
    b.onResolve({ filter: /^\.\.\/llhttp\/llhttp(_simd)?-wasm\.js$/ }, (args) => ({
      path: `./${args.path.slice('../llhttp/'.length)}`,
      external: true,
    }));
  },
};

/**
 * Built-in modules that libraries require at load but that a command rarely or never uses, deferred
 * to their first use. Each costs milliseconds of every command's start-up:
 * - undici's HTTP/1.1 client requires its HTTP/2 module, which loads node:http2 (and fs/promises and
 *   readline behind it), for a protocol this client never offers (no `allowH2`);
 * - undici requires node:http for two things: http.maxHeaderSize, asked when a connection pool is
 *   made (src/net/dispatchers.ts passes the size itself), and a class compared with when a request
 *   body stream is destroyed;
 * Each edit names the exact text it replaces: the build fails if a library changes under it,
 * rather than silently loading everything again.
 */
const DEFERRED_REQUIRES = [
  {
    file: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/,
    edits: [
      ["const connectH2 = require('./client-h2.js')", "const connectH2 = (client, socket) => require('./client-h2.js')(client, socket)"],
      ["const http = require('node:http')", "const lazyHttp = () => require('node:http')"],
      [
        `const getDefaultNodeMaxHeaderSize = http &&
  http.maxHeaderSize &&
  Number.isInteger(http.maxHeaderSize) &&
  http.maxHeaderSize > 0
  ? () => http.maxHeaderSize
  : () => { throw new InvalidArgumentError('http module not available or http.maxHeaderSize invalid') }`,
        `const getDefaultNodeMaxHeaderSize = () => {
  const { maxHeaderSize } = lazyHttp()
  if (Number.isInteger(maxHeaderSize) && maxHeaderSize > 0) return maxHeaderSize
  throw new InvalidArgumentError('http module not available or http.maxHeaderSize invalid')
}`,
      ],
    ],
  },
  {
    file: /[\\/]undici[\\/]lib[\\/]core[\\/]util\.js$/,
    edits: [
      ["const { IncomingMessage } = require('node:http')", ''],
      [
        'Object.getPrototypeOf(stream).constructor === IncomingMessage',
        "Object.getPrototypeOf(stream).constructor === require('node:http').IncomingMessage",
      ],
    ],
  },
];

const deferRequires = {
  name: 'defer-requires',
  setup(b) {
    for (const { file, edits } of DEFERRED_REQUIRES) {
      b.onLoad({ filter: file }, async (args) => {
        let text = await readFile(args.path, 'utf8');
        for (const [eager, deferred] of edits) {
          if (!text.includes(eager)) throw new Error(`${args.path}: expected "${eager}" (the library changed; update scripts/build.mjs)`);
          text = text.replace(eager, deferred);
        }
        return { contents: text, loader: 'js' };
      });
    }
  },
};

/**
 * Built-in modules our own code imports at the top of files but only some paths use, loaded at their
 * first call instead of at start-up: node:crypto takes ~6 ms to load, and a command that neither
 * stages files nor signs anything (most of them) never calls it. Each imported name becomes a
 * function that loads the module and calls (or, with `new`, constructs) the real one; importing a
 * name that is not a function fails the build.
 */
const LAZY_BUILTINS = ['node:crypto'];
const requireBuiltin = createRequire(import.meta.url);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) => (args.importer.includes('/src/') ? { path: args.path, namespace: 'lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const real = requireBuiltin(args.path);
      const names = Object.keys(real).filter((name) => typeof real[name] === 'function');
      const wrappers = names.map(
        (name) => `export function ${name}(...args) { return new.target ? new (load().${name})(...args) : load().${name}(...args); }`,
      );
      return {
        contents: [`let loaded;`, `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`, ...wrappers].join('\n'),
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
  external: [...common.external, 'google-auth-library'],
  plugins: [besideBundle, deferRequires, lazyBuiltins],
  // Wrapped as Node wraps a CommonJS module, in the file itself (see bundle-wrapper.mjs).
  banner: { js: BUNDLE_WRAPPER[0] },
  footer: { js: BUNDLE_WRAPPER[1] },
  // import() becomes require(): see above.
  supported: { 'dynamic-import': false },
});
// The loader reads the bundle as latin1 (faster than UTF-8), which is only the same text for ASCII;
// esbuild escapes everything else by default, and this keeps it so.
const nonAscii = (await readFile('dist/bundle.js')).findIndex((byte) => byte > 0x7f);
if (nonAscii >= 0) throw new Error(`dist/bundle.js has a non-ASCII byte at ${nonAscii}: scripts/cli-loader.cjs reads it as latin1`);
copyFileSync('scripts/cli-loader.cjs', 'dist/cli.js');
for (const file of LLHTTP_FILES) copyFileSync(`node_modules/undici/lib/llhttp/${file}`, `dist/${file}`);
// A fresh code cache for the fresh bundle: one run that loads it writes the cache as it exits.
rmSync('dist/bundle.js.cache', { force: true });
execFileSync(process.execPath, ['bin/gcloud-aip.js', 'ai-platform', 'versions', 'create', '--help'], { stdio: 'ignore' });
