// `hookscope schema <vendor> <event>`: print the JSON Schema of an event body (or its reply).
import type { CommandIO } from '../cli/io.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import { eventJsonSchema, type SchemaOptions } from '../schema/json-schema.js';

export type { SchemaOptions };

export async function run(options: SchemaOptions, io: CommandIO): Promise<ExitCodeValue> {
  io.stdout.write(`${JSON.stringify(eventJsonSchema(options), null, 2)}\n`);
  return ExitCode.ok;
}
