#!/usr/bin/env node
'use strict';
// Thin launcher: everything lives in the bundled dist/cli.js (`npm run build`). Written for any
// Node, so an old one gets one clear line instead of a syntax error or V8 flag warnings.
var major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  process.stderr.write('ERROR: (gcloud) gcloud-aip needs Node.js 20 or later; this is Node.js ' + process.version + '.\n');
  process.exit(1);
}
require('../dist/cli.js').main(process.argv.slice(2));
