// Crafted request bodies that try to cost more than linear time or memory (issue #13), shared by
// test/e2e/hostile.test.ts, test/helpers/hostile-child.js and bench/hostile.js. Plain JavaScript
// so that the benchmark and the child processes load it without a TypeScript step.
//
// Each shape takes a size in bytes and returns a JSON text of about that size (ASCII, so
// characters = bytes). Most are vendor bodies, so detection and the schema check run too.

/** A relyable test_run.completed body whose `data` gets `extra` members inserted before its end. */
function relyable(extra, { scenarios = '["s"]', score = '73.5', timestamp = '"2025-01-16T15:38:00Z"', agentName = '"A"' } = {}) {
  return (
    `{"event":"test_run.completed","timestamp":${timestamp},"data":{"test_run_id":"run_1","agent_id":"agent_1",` +
    `"agent_name":${agentName},"score":${score},"previous_score":68.2,"total_calls":5,"passed_test_cases":15,` +
    `"failed_test_cases":5,"duration_seconds":420,"scenarios_tested":${scenarios},` +
    `"view_url":"https://app.relyable.ai/runs/run_1"${extra}}}`
  );
}

const FRAME = relyable('').length;

/** How many times `unit` fits in `size` bytes beside `fixed` bytes (at least 1). */
const fit = (size, fixed, unit) => Math.max(1, Math.floor((size - fixed) / unit));

/** `${open}${unit * n}${close}` where n fills the size. */
const fill = (size, fixed, unit, make) => make(fit(size, fixed, unit));

/** Distinct keys of equal width (k0000001, …): equal widths keep the size arithmetic exact. */
function keys(n, prefix, value) {
  const width = String(n).length;
  const parts = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = `"${prefix}${String(i).padStart(width, '0')}":${value}`;
  return parts.join(',');
}

/** @type {Record<string, { what: string, make: (size: number) => string }>} */
export const SHAPES = {
  'duplicate-key-every-level': {
    what: 'the issue #13 body: {"a":{"a":…,"a":1},"a":1}, a repeated key at every level',
    make: (size) => fill(size, 1, 12, (n) => `${'{"a":'.repeat(n)}1${',"a":1}'.repeat(n)}`),
  },
  'deep-objects': {
    what: 'objects nested to the size of the body under an unknown member (one warning: the scan runs)',
    make: (size) => fill(size, FRAME + 10, 6, (n) => relyable(`,"deep":${'{"a":'.repeat(n)}1${'}'.repeat(n)}`)),
  },
  'deep-arrays': {
    what: 'arrays nested to the size of the body under an unknown member',
    make: (size) => fill(size, FRAME + 10, 2, (n) => relyable(`,"deep":${'['.repeat(n)}${']'.repeat(n)}`)),
  },
  'many-keys': {
    what: 'a free-form object (bluejay metadata) with as many distinct keys as fit: valid',
    make: (size) =>
      fill(size, 200, 14, (n) => `{"id":1,"digital_human_id":2,"simulation_run_id":3,"simulation_id":4,"agent_id":5,"metadata":{${keys(n, 'k', 0)}}}`),
  },
  'many-unknown-fields': {
    what: 'as many unknown members as fit in relyable data: one unknown-field warning each',
    make: (size) => fill(size, FRAME + 10, 14, (n) => relyable(`,${keys(n, 'u', 0)}`)),
  },
  'many-duplicate-keys': {
    what: 'one member repeated as often as it fits: one duplicate-key warning each',
    make: (size) => fill(size, FRAME, 10, (n) => relyable(`,"score":1`.repeat(n))),
  },
  'many-item-errors': {
    what: 'an array of strings given numbers: one wrong-type error per item',
    make: (size) => fill(size, FRAME, 2, (n) => relyable('', { scenarios: `[${'1,'.repeat(n - 1)}1]` })),
  },
  'many-union-errors': {
    what: 'an array of metrics whose value matches no branch of its union: one error per item',
    make: (size) =>
      fill(size, 700, 30, (n) =>
        JSON.stringify({
          url: 'https://hooks.example.com/atoms',
          description: 'd',
          event: '68c9f2a41e7b3d05a9f1c2e8.analytics-completed',
          metadata: {
            agentId: '68c9f2a41e7b3d05a9f1c2e8',
            eventType: 'analytics-completed',
            conversationType: 'telephonyOutbound',
            callId: 'CALL-1',
            analytics: { summary: 's', dispositionMetrics: [], successMetrics: [] },
            callData: { fromNumber: '+16285550113', toNumber: '+14155550142', callDuration: 92.4, callStatus: 'completed', answerTime: '2025-09-17T15:29:16.482Z', endTime: '2025-09-17T15:30:48.894Z' },
          },
          id: '68ca1bd45e93a01f7c82d6b4',
        }).replace('"dispositionMetrics":[]', `"dispositionMetrics":[${new Array(n).fill('{"identifier":"i","value":null}').join(',')}]`),
      ),
  },
  'many-custom-warnings': {
    what: 'a synthflow analysis record of unknown verdicts: one custom warning each',
    make: (size) =>
      fill(size, 400, 16, (n) =>
        `{"status":"completed","lead":{"name":"D","phone_number":"+1"},"call":{"status":"completed","call_id":"c1"},` +
        `"executed_actions":{},"analysis":{${keys(n, 'v', '"x"')}}}`),
  },
  'undetected-many-keys': {
    what: 'an unrecognised body whose near-miss reason could list every key (synthflow call_inbound-like)',
    make: (size) => fill(size, 40, 14, (n) => `{"call_inbound":{},${keys(n, 'o', 0)}}`),
  },
  'long-string': {
    what: 'one string as long as the body in a plain string member: valid',
    make: (size) => relyable('', { agentName: `"${'a'.repeat(Math.max(1, size - FRAME))}"` }),
  },
  'long-bad-format': {
    what: 'a timestamp as long as the body: the date-time pattern and the message preview see it all',
    make: (size) => relyable('', { timestamp: `"2025-01-16T15:38:00Z${'9'.repeat(Math.max(1, size - FRAME))}"` }),
  },
  'long-key': {
    what: 'an unknown member whose key is as long as the body: path and message must not carry it whole',
    make: (size) => relyable(`,"${'k'.repeat(Math.max(1, size - FRAME - 6))}":1`),
  },
  'long-duplicate-key': {
    what: 'a key as long as the body, repeated',
    make: (size) => {
      const key = 'k'.repeat(Math.max(1, Math.floor((size - FRAME) / 2) - 6));
      return relyable(`,"${key}":1,"${key}":2`);
    },
  },
  'huge-number': {
    what: 'a number literal as long as the body (JSON.parse makes it Infinity)',
    make: (size) => relyable('', { score: '9'.repeat(Math.max(1, size - FRAME)) }),
  },
  'deep-duplicates-wide': {
    what: 'a deep chain with many duplicate keys at the bottom: every duplicate has the whole chain as its path',
    make: (size) => {
      const depth = Math.floor(size / 12);
      return fill(size, depth * 6 + 4, 6, (n) => `${'{"a":'.repeat(depth)}{"b":1${',"b":1'.repeat(n)}}${'}'.repeat(depth)}`);
    },
  },
};

export const SHAPE_NAMES = Object.keys(SHAPES);

export const MB = 1_000_000;
