'use strict';
// dist/cli.js: loads the bundle (dist/bundle.js) through V8's code cache. Compiling the ~570 KB
// bundle is most of the CLI's start-up; with the cache (dist/bundle.js.cache, written by the build
// and rewritten by any run that finds it missing or made by another Node) it is a quick read.
// Without a usable cache the bundle is compiled as usual: the cache only ever saves time.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const bundlePath = path.join(__dirname, 'bundle.js');
const cachePath = `${bundlePath}.cache`;
let cachedData;
try {
  cachedData = fs.readFileSync(cachePath);
} catch {
  cachedData = undefined;
}
// The bundle has no import() (the build turns them into require()): a vm.Script cannot load modules.
// It is ASCII (the build checks), so it is read as latin1: the same text, without UTF-8 decoding.
// The build wrapped it as Node wraps a module: the script's value is the module function.
const script = new vm.Script(fs.readFileSync(bundlePath, 'latin1'), { filename: bundlePath, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  // At exit the cache also holds the functions this run compiled lazily. Best effort: a read-only
  // install just runs without it; the rename keeps concurrent writers from tearing the file.
  // A run that changed V8's flags (staging does: src/runtime/v8-flags.ts) would write a cache
  // that the next run rejects, so it writes none.
  const v8 = require('node:v8');
  const versionTag = v8.cachedDataVersionTag();
  process.once('exit', () => {
    if (v8.cachedDataVersionTag() !== versionTag) return;
    const partial = `${cachePath}.${process.pid}`;
    try {
      fs.writeFileSync(partial, script.createCachedData());
      fs.renameSync(partial, cachePath);
    } catch {
      fs.rmSync(partial, { force: true });
    }
  });
}
const bundle = new Module(bundlePath, module);
bundle.filename = bundlePath;
bundle.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext()(bundle.exports, Module.createRequire(bundlePath), bundle, bundlePath, __dirname);
module.exports = bundle.exports;
