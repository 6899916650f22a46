#!/usr/bin/env node
// CommonJS (bin/package.json): the launcher runs the CLI bundle with V8's code cache.
'use strict';
require('../dist/launcher.cjs').launch(require('node:path').join(__dirname, '..', 'dist', 'cli.cjs'));
