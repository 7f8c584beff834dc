#!/usr/bin/env node
'use strict';
// Thin launcher: everything lives in the bundled dist/cli.js (`npm run build`).
require('../dist/cli.js').main(process.argv.slice(2));
