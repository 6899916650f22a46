// The catalog as a whole: every fixture of every vendor validates and is detected as exactly
// its own event; broken payloads get the right verdict and point at the right place.
import { describe, expect, it } from 'vitest';
import { detect } from '../../src/vendors/detect.js';
import { validateText } from '../../src/schema/validate.js';
import { parsePath, type PathSegment } from '../../src/json/values.js';
import { findEvent, findVendor, vendors } from '../../src/vendors/index.js';
import { allFixtures, clone } from '../helpers/fixtures.js';

const fixtures = allFixtures();

describe('catalog shape', () => {
  it.each(vendors.flatMap((v) => v.events.map((e) => [v.id, e.name, e] as const)))('%s %s has a description and a fixture', (_v, _e, event) => {
    expect(event.description.length).toBeGreaterThan(10);
    expect(event.fixtures.length).toBeGreaterThan(0);
  });

  it('covers the events the issue names', () => {
    const names = Object.fromEntries(vendors.map((v) => [v.id, v.events.map((e) => e.name).sort()]));
    expect(names).toEqual({
      relyable: ['agent.score_dropped', 'test_case.critical_failure', 'test_run.completed', 'test_run.failed'],
      bluejay: ['observability_call_evaluated', 'outbound_simulation_started', 'simulation_ended', 'simulation_result_evaluated'],
      smallest: ['analytics-completed', 'analytics.completed', 'call.end', 'call.start', 'post-conversation', 'pre-conversation'],
      synthflow: ['call_inbound', 'post_call'],
      retell: ['call_analyzed', 'call_ended', 'call_inbound', 'call_started', 'transcript_updated', 'transfer_bridged', 'transfer_cancelled', 'transfer_ended', 'transfer_started'],
      elevenlabs: ['call_initiation_failure', 'conversation_initiation', 'post_call_audio', 'post_call_transcription'],
      twilio: ['call-status.answered', 'call-status.completed', 'call-status.initiated', 'call-status.ringing', 'incoming-call', 'recording-status'],
      openai: ['live.transport.incoming', 'realtime.call.incoming', 'response.cancelled', 'response.completed', 'response.failed', 'response.incomplete'],
      bland: ['batch.status', 'call.completed', 'call.corrected', 'webhook_event'],
      'standard-webhooks': ['message'],
      vapi: [
        'assistant-request', 'assistant.speechStarted', 'call.artifact.upload', 'call.delete.failed', 'call.deleted', 'call.endpointing.request', 'campaign.predial', 'chat.created', 'chat.deleted',
        'conversation-update', 'end-of-call-report', 'handoff-destination-request', 'hang', 'knowledge-base-request', 'language-change-detected', 'model-output', 'phone-call-control',
        'session.created', 'session.deleted', 'session.updated', 'speech-update', 'status-update', 'tool-calls', 'transcript', 'transfer-destination-request', 'transfer-update', 'user-interrupted',
        'voice-input', 'voice-request',
      ],
    });
    expect(findVendor('eleven')?.id).toBe('elevenlabs');
    expect(findVendor('svix')?.id).toBe('standard-webhooks');
    // Recognised by its headers: the fallback, asked when no other vendor recognises a body.
    expect(vendors.filter((v) => v.fallback).map((v) => v.id)).toEqual(['standard-webhooks']);
    expect(findVendor('atoms')?.id).toBe('smallest');
    expect(findVendor('ATOMS')?.id).toBe('smallest');
    expect(vendors.find((v) => v.id === 'smallest')!.events.filter((e) => e.legacy).map((e) => e.name).sort()).toEqual(['analytics.completed', 'call.end', 'call.start']);
  });

  it('states the provenance of every delivery rule and signing fact', () => {
    for (const v of vendors) {
      for (const fact of [v.delivery.retryDelaysMs, v.delivery.success, v.delivery.timeoutMs, v.delivery.dedupeKey]) {
        expect(['documented', 'seen', 'assumed']).toContain(fact.provenance);
        expect(fact.note.length).toBeGreaterThan(10);
      }
      if (v.signing) for (const fact of [v.signing.headers, v.signing.format, v.signing.algorithm, v.signing.key, v.signing.encoding, v.signing.signedBytes]) expect(fact.note.length).toBeGreaterThan(10);
      else expect(v.signingNote).toMatch(/undocumented|not documented/);
    }
  });
});

describe('every fixture', () => {
  // A fallback vendor's fixture is detected with the headers its deliveries carry (f.headers).
  it.each(fixtures.map((f) => [`${f.vendor}/${f.file.split('/').pop()}`, f] as const))('%s validates cleanly and is detected unambiguously', (_name, f) => {
    const outcome = detect(f.body, f.headers);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect([outcome.vendor.id, outcome.event.name, outcome.part]).toEqual([f.vendor, f.event, f.part]);
    const result = validateText(f.text, { headers: f.headers });
    expect(result.issues).toEqual([]);
    expect(result.valid).toBe(true);
    expect([result.vendor, result.event, result.part]).toEqual([f.vendor, f.event, f.part]);
  });

  it('is claimed by its own vendor only', () => {
    for (const f of fixtures) {
      const claimants = vendors.filter((v) => v.detect(f.body, f.headers).match).map((v) => v.id);
      expect(claimants, f.file).toEqual([f.vendor]);
      // By its body alone, a fallback vendor's fixture is nobody's.
      if (f.headers) expect(vendors.filter((v) => v.detect(f.body).match), f.file).toEqual([]);
    }
  });
});

/** The character at line:col (1-based) of a text. */
function at(text: string, line: number | undefined, col: number | undefined): string {
  expect(line, 'issue has a line').toBeTypeOf('number');
  expect(col, 'issue has a column').toBeTypeOf('number');
  return text.split('\n')[line! - 1]!.slice(col! - 1);
}

function setAt(body: unknown, path: PathSegment[], value: unknown): void {
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], body);
  const key = path[path.length - 1]!;
  if (value === undefined) delete parent[key];
  else parent[key] = value;
}

interface Broken {
  vendor: string;
  event: string;
  missing: string;
  wrongType: [string, unknown];
  badEnum?: [string, unknown];
  /** Forced vendor/event: for mutations that remove what detection relies on. */
  force?: boolean;
}

const broken: Broken[] = [
  { vendor: 'relyable', event: 'test_run.completed', missing: 'data.agent_id', wrongType: ['data.score', '73.5'], badEnum: ['event', 'test_run.complete'], force: true },
  { vendor: 'relyable', event: 'agent.score_dropped', missing: 'data.threshold', wrongType: ['data.drop_percentage', null] },
  { vendor: 'bluejay', event: 'observability_call_evaluated', missing: 'recording_url', wrongType: ['agent_id', 42], badEnum: ['status', 'DONE'] },
  { vendor: 'bluejay', event: 'simulation_result_evaluated', missing: 'simulation_id', wrongType: ['digital_human_id', 1.5], badEnum: ['status', 'FINISHED'] },
  { vendor: 'smallest', event: 'post-conversation', missing: 'metadata.callId', wrongType: ['metadata.callData.callDuration', '92.4'], badEnum: ['metadata.conversationType', 'webCall'] },
  { vendor: 'smallest', event: 'call.end', missing: 'agent_id', wrongType: ['duration_seconds', '300'] },
  { vendor: 'synthflow', event: 'post_call', missing: 'lead', wrongType: ['call.duration', '32'] },
  // Without model_id the request is Retell's shape as much as Synthflow's: ambiguous, so forced.
  { vendor: 'synthflow', event: 'call_inbound', missing: 'call_inbound.model_id', wrongType: ['call_inbound.to_number', 4915112345678], force: true },
  { vendor: 'retell', event: 'call_ended', missing: 'call.agent_id', wrongType: ['call.duration_ms', '94500'], badEnum: ['call.call_type', 'sip_call'] },
  // A phone call's numbers are required by a refinement, not by the shape: still a missing field at its path.
  { vendor: 'retell', event: 'call_started', missing: 'call.from_number', wrongType: ['call.start_timestamp', 1760550000.5], badEnum: ['call.direction', 'sideways'] },
  { vendor: 'retell', event: 'call_inbound', missing: 'call_inbound.from_number', wrongType: ['call_inbound.agent_version', '4'] },
  { vendor: 'elevenlabs', event: 'post_call_transcription', missing: 'data.metadata.call_duration_secs', wrongType: ['event_timestamp', '1760012139'], badEnum: ['data.status', 'completed'] },
  { vendor: 'elevenlabs', event: 'call_initiation_failure', missing: 'data.metadata.body.sip_status_code', wrongType: ['data.metadata.body.call_sid', 42] },
  { vendor: 'elevenlabs', event: 'conversation_initiation', missing: 'call_sid', wrongType: ['called_number', 15550100002] },
  // Form events, as JSON objects of their parameters (every value a string).
  { vendor: 'twilio', event: 'incoming-call', missing: 'To', wrongType: ['Direction', 1] },
  { vendor: 'twilio', event: 'call-status.completed', missing: 'Timestamp', wrongType: ['SequenceNumber', 3], badEnum: ['CallStatus', 'ringing'], force: true },
  { vendor: 'twilio', event: 'recording-status', missing: 'RecordingUrl', wrongType: ['RecordingDuration', 45], badEnum: ['RecordingChannels', '3'] },
  { vendor: 'bland', event: 'call.completed', missing: 'completed', wrongType: ['call_length', '2.35'] },
  { vendor: 'bland', event: 'call.corrected', missing: 'call_id', wrongType: ['corrected_transcript.segments[0].confidence', '0.97'], force: true },
  { vendor: 'bland', event: 'webhook_event', missing: 'message', wrongType: ['log_level', 3], force: true },
  { vendor: 'bland', event: 'batch.status', missing: 'timestamp', wrongType: ['calls_total', '250'] },
  { vendor: 'vapi', event: 'status-update', missing: 'message.call.orgId', wrongType: ['message.call.customer.number', 15550100234] },
  { vendor: 'vapi', event: 'tool-calls', missing: 'message.toolCallList', wrongType: ['message.toolCallList[0].id', 42] },
  { vendor: 'vapi', event: 'end-of-call-report', missing: 'message.analysis', wrongType: ['message.cost', '0.09'], badEnum: ['message.call.type', 'carrierPigeonCall'] },
];

describe.each(broken)('broken $vendor $event', (b) => {
  const f = fixtures.find((x) => x.vendor === b.vendor && x.event === b.event && x.part === 'request')!;
  const vendor = findVendor(b.vendor)!;
  const options = b.force ? { vendor, event: findEvent(vendor, b.event)! } : {};
  const check = (mutate: (body: unknown) => void) => {
    const body = clone(f.body);
    mutate(body);
    const text = JSON.stringify(body, null, 2);
    return { text, result: validateText(text, options) };
  };

  it('missing required field: error located at the parent object', () => {
    const path = parsePath(b.missing);
    const { text, result } = check((body) => setAt(body, path, undefined));
    expect(result.valid).toBe(false);
    expect([result.vendor, result.event]).toEqual([b.vendor, b.event]);
    const issue = result.issues.find((i) => i.code === 'missing-field');
    expect(issue?.path).toBe(`$.${b.missing}`);
    expect(at(text, issue?.line, issue?.column)[0]).toBe('{');
    // The parent object's opening brace is the one that holds the remaining siblings.
    expect(issue?.line).toBe(path.length === 1 ? 1 : text.split('\n').findIndex((l) => l.includes(`"${String(path[path.length - 2])}": {`)) + 1);
  });

  it('wrong type: error located at the value, with expected and received', () => {
    const [p, value] = b.wrongType;
    const { text, result } = check((body) => setAt(body, parsePath(p), value));
    expect(result.valid).toBe(false);
    const issue = result.issues.find((i) => i.path === `$.${p}`);
    expect(issue?.code).toBe('wrong-type');
    expect(issue?.severity).toBe('error');
    expect(at(text, issue?.line, issue?.column).startsWith(JSON.stringify(value))).toBe(true);
    expect(issue?.message).toMatch(/^expected \w+, received \w+/);
  });

  it('extra field: a drift warning at the value; an error only with strict', () => {
    const { text, result } = check((body) => ((body as Record<string, unknown>).zz_extra_field = 'zz-marker'));
    expect(result.valid).toBe(true);
    expect(result.issues).toHaveLength(1);
    const issue = result.issues[0]!;
    expect([issue.code, issue.severity, issue.path]).toEqual(['unknown-field', 'warning', '$.zz_extra_field']);
    expect(at(text, issue.line, issue.column).startsWith('"zz-marker"')).toBe(true);
    const strict = validateText(text, { ...options, strict: true });
    expect(strict.valid).toBe(false);
    expect(strict.issues[0]?.severity).toBe('error');
  });
});

describe.each(broken.filter((b) => b.badEnum))('bad enum in $vendor $event', (b) => {
  const f = fixtures.find((x) => x.vendor === b.vendor && x.event === b.event && x.part === 'request')!;
  const vendor = findVendor(b.vendor)!;
  const options = b.force ? { vendor, event: findEvent(vendor, b.event)! } : {};

  it('is an error at the value, listing what is allowed', () => {
    const [p, value] = b.badEnum!;
    const body = clone(f.body);
    setAt(body, parsePath(p), value);
    const text = JSON.stringify(body, null, 2);
    const result = validateText(text, options);
    expect(result.valid).toBe(false);
    const issue = result.issues.find((i) => i.path === `$.${p}`);
    expect(issue?.code).toBe('bad-enum');
    expect(issue?.message).toContain(JSON.stringify(value));
    expect(issue?.message).toMatch(/^expected (one of )?"/);
    expect(at(text, issue?.line, issue?.column).startsWith(JSON.stringify(value))).toBe(true);
  });
});

describe('growing enums', () => {
  const f = fixtures.find((x) => x.vendor === 'synthflow' && x.event === 'post_call')!;
  it('an unknown synthflow call status is a warning, an error under --strict', () => {
    const body = clone(f.body) as { call: { status: string } };
    body.call.status = 'teleported';
    const text = JSON.stringify(body, null, 2);
    const loose = validateText(text);
    expect(loose.valid).toBe(true);
    expect(loose.issues.map((i) => [i.code, i.severity, i.path])).toEqual([['unknown-enum-value', 'warning', '$.call.status']]);
    expect(validateText(text, { strict: true }).valid).toBe(false);
  });
});
