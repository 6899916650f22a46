// undici without its index: only the Agent and the request API. `import 'undici'` evaluates
// fetch, WebSocket, caches and cookies too (and touches Node's own bundled undici through
// globalThis.Headers), roughly doubling what a one-shot `send` spends loading it. The paths
// are pinned by package-lock.json and exercised by every send test.
import Agent from 'undici/lib/dispatcher/agent.js';
import request from 'undici/lib/api/api-request.js';

export { Agent, request };
