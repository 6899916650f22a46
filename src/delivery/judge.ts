// Judging an HTTP answer by a vendor's delivery rules: the one place send, replay (and any
// later command) ask whether the vendor would count a status as delivered.
import type { EventDefinition, VendorDefinition } from '../vendors/types.js';

export type Judgement =
  | { delivered: true; reason: string }
  | { delivered: false; kind: 'redirect' | 'rejected'; reason: string };

/**
 * `lastAttempt`: replay's final attempt of a schedule, after which nothing is retried, so the
 * reason does not say that the vendor would retry.
 */
export function judgeStatus(vendor: VendorDefinition, status: number, location?: string | string[], options: { lastAttempt?: boolean; event?: EventDefinition } = {}): Judgement {
  // A request/response event may take its reply only with some statuses (Vapi's tool-calls: exactly 200).
  const own = options.event?.reply?.status;
  const rule = own ? { value: own.value, provenance: own.provenance, isSuccess: own.isAccepted } : vendor.delivery.success;
  if (status >= 300 && status < 400) {
    return { delivered: false, kind: 'redirect', reason: `redirect (${status}) to ${location === undefined ? '(no Location header)' : String(location)} not followed: vendors do not follow redirects` };
  }
  if (rule.isSuccess(status)) return { delivered: true, reason: `${vendor.id} counts ${status} as delivered (${rule.value})` };
  if (own) return { delivered: false, kind: 'rejected', reason: `${vendor.id} takes a ${options.event!.name} reply only with ${own.value}; ${status} is ignored` };
  const retryable = isRetryable(vendor, status);
  const retries = vendor.delivery.retryDelaysMs.value.length > 1 && !options.lastAttempt ? (retryable ? ' and would retry' : ` and would not retry it (${vendor.delivery.retryOn!.value})`) : '';
  return { delivered: false, kind: 'rejected', reason: `${vendor.id} counts ${status} as a failed delivery (success is ${rule.value})${retries}` };
}

/** Whether the vendor delivers again after this failure (`status` undefined: no answer). */
export function isRetryable(vendor: VendorDefinition, status: number | undefined): boolean {
  return vendor.delivery.retryOn ? vendor.delivery.retryOn.isRetryable(status) : true;
}
