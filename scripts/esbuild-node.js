// esbuild's options for hookscope's Node bundles (ES modules for Node 20 and later), shared by
// scripts/build.js and bench/startup.js, whose commander-alone reference must be bundled the way
// the CLI is.
export const nodeBundle = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies (commander, undici) call require() for Node built-ins; an ES module
  // has no require of its own, so each output file gets one from node:module.
  banner: { js: "import { createRequire as __hookscopeRequire } from 'node:module'; const require = __hookscopeRequire(import.meta.url);" },
};
