#!/usr/bin/env node
// Node's compile cache (Node 22.1 and later) keeps V8's compiled code between runs; older Node
// runs without it. NODE_DISABLE_COMPILE_CACHE=1 turns it off, NODE_COMPILE_CACHE=<dir> moves it.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');
await main(process.argv);
