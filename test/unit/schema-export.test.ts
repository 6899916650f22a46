// The exported JSON Schemas are accepted by ajv (draft 2020-12) and agree with hookscope's own
// verdicts on the fixtures and on broken copies.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { eventJsonSchema } from '../../src/schema/json-schema.js';
import { vendors } from '../../src/vendors/index.js';
import { allFixtures, clone } from '../helpers/fixtures.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv').default;
const addFormats = require('ajv-formats').default as (ajv: unknown) => void;

/** A fresh ajv per schema: the same $id may be compiled more than once across tests. */
function compile(schema: object) {
  // strictSchema: a format no draft defines makes ajv (and ajv-cli) refuse the schema, as users' validators would.
  const ajv = new Ajv2020({ strict: false, strictSchema: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('hookscope schema', () => {
  const fixtures = allFixtures();
  it.each(fixtures.map((f) => [`${f.vendor} ${f.event}${f.part === 'reply' ? ' (reply)' : ''}`, f] as const))('%s: ajv compiles it and accepts the fixture', (_n, f) => {
    const schema = eventJsonSchema({ vendor: f.vendor, event: f.event, reply: f.part === 'reply' });
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const check = compile(schema);
    expect(check(f.body), JSON.stringify(check.errors)).toBe(true);
  });

  it('unknown fields are allowed by default and refused with strict, as in validate', () => {
    const f = fixtures.find((x) => x.vendor === 'relyable' && x.event === 'test_run.completed')!;
    const body = clone(f.body) as Record<string, unknown>;
    body.extra = 1;
    expect(compile(eventJsonSchema({ vendor: 'relyable', event: 'test_run.completed' }))(body)).toBe(true);
    expect(compile(eventJsonSchema({ vendor: 'relyable', event: 'test_run.completed', strict: true }))(body)).toBe(false);
  });

  it('a wrong type fails in ajv too', () => {
    const f = fixtures.find((x) => x.vendor === 'bluejay' && x.event === 'simulation_ended')!;
    const body = clone(f.body) as Record<string, unknown>;
    body.id = 'not-an-integer';
    const check = compile(eventJsonSchema({ vendor: 'bluejay', event: 'simulation_ended' }));
    expect(check(body)).toBe(false);
    expect(check.errors?.[0]?.instancePath).toBe('/id');
  });

  it('every event of every vendor exports', () => {
    for (const v of vendors) for (const e of v.events) expect(() => eventJsonSchema({ vendor: v.id, event: e.name })).not.toThrow();
  });

  it('an event without a reply refuses --reply with a clear message', () => {
    expect(() => eventJsonSchema({ vendor: 'relyable', event: 'test_run.failed', reply: true })).toThrow(/has no reply schema/);
  });
});
