// The JSON Schema (draft 2020-12) of an event body, generated from the zod schema `validate`
// uses, so other tools (ajv, editors) agree with it.
import * as z from 'zod';
import { resolveEvent, resolveVendor } from '../vendors/resolve.js';
import { UserError } from '../errors.js';

export interface SchemaOptions {
  vendor: string;
  event: string;
  reply?: boolean;
  /** Keep `additionalProperties: false`: unknown fields are errors, as with `validate --strict`. */
  strict?: boolean;
}

/** The formats JSON Schema draft 2020-12 defines. */
const STANDARD_FORMATS = new Set(['date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6', 'uri', 'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex']);

export function eventJsonSchema(options: SchemaOptions): Record<string, unknown> {
  const { vendor, event } = resolveEvent(options.event, resolveVendor(options.vendor));
  const schema = options.reply ? event.reply?.schema : event.schema;
  if (!schema) throw new UserError(`${vendor.id} ${event.name} has no reply schema`, 'only request/response webhooks (synthflow call_inbound) have one');
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      // hookscope's policy: unknown fields are drift (a warning), not an error.
      if (!options.strict && ctx.jsonSchema.additionalProperties === false) delete ctx.jsonSchema.additionalProperties;
      // zod names some checks as formats no draft defines (`base64`, `starts_with`: the latter
      // beside its `pattern`); validators such as ajv reject a schema with them. Only the draft's
      // own formats are kept; base64 is said with contentEncoding, as JSON Schema says it.
      const format = ctx.jsonSchema.format;
      if (typeof format === 'string' && !STANDARD_FORMATS.has(format)) {
        delete ctx.jsonSchema.format;
        if (format === 'base64') ctx.jsonSchema.contentEncoding = 'base64';
      }
    },
  }) as Record<string, unknown>;
  return {
    $schema: json.$schema,
    $id: `https://hookscope.dev/schemas/${vendor.id}/${event.name}${options.reply ? '.reply' : ''}${options.strict ? '.strict' : ''}.json`,
    title: `${vendor.title} ${event.name}${options.reply ? ' (reply)' : ''}`,
    description: options.reply ? event.reply!.description : event.description,
    ...Object.fromEntries(Object.entries(json).filter(([k]) => k !== '$schema')),
  };
}

