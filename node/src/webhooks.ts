/**
 * Webhook verification, typed events and event de-duplication.
 *
 * CMR POSTs JSON events signed with `cmr-x-signature` (HMAC-SHA256 of the raw
 * body: hex in any case or base64, standard or url-safe, padded or not,
 * optionally prefixed `sha256=`) and `cmr-x-timestamp` (Unix seconds, or
 * milliseconds from 10^11). Verify the **raw** body, exactly as received:
 * with Express use `express.raw({ type: 'application/json' })`, not
 * `express.json()` (parsed and re-serialised JSON does not verify).
 *
 * The timestamp is not covered by the signature, so a captured delivery can
 * be replayed with a fresh timestamp: de-duplicate on the event id
 * (`EventDeduplicator`, `verifyAndDedupe`).
 */
import native = require('./native');
import { rethrow } from './errors';
import type * as M from './models';
import { hideSecrets, mayHoldSecrets } from './secrets';

export const SIGNATURE_HEADER = 'cmr-x-signature';
export const TIMESTAMP_HEADER = 'cmr-x-timestamp';
/** Default replay window, in seconds. */
export const DEFAULT_TOLERANCE_SEC = 300;

/** The raw request body: a string, a Buffer or bytes. */
export type RawBody = string | Buffer | Uint8Array;

/** Request headers: Node's `req.headers`, a fetch `Headers`, a `Map` or a plain object (any case). */
export type HeadersInput =
  | Record<string, string | string[] | undefined>
  | { forEach(cb: (value: string, key: string) => void): void };

export interface VerifyOptions {
  /** Accepted clock difference in seconds (default 300; negative, NaN or above 3650 days throws a `ValidationError`). */
  toleranceSec?: number;
  /** The verifier's clock, Unix seconds (default: now). For tests. */
  now?: number;
}

interface EventOf<E extends string, T extends string, D> {
  /** The event name, for example `domain.order.success`. */
  event: E;
  /** Discriminant: switch on it to narrow `data`. */
  type: T;
  /** Unique id of the event: dedupe on it (deliveries may repeat). */
  eventId: string | null;
  data: D;
  /** The whole body as received. */
  raw: Record<string, unknown>;
}

/** A webhook event, discriminated by `type`. Events this SDK version does not know have `type: 'unknown'`. */
export type WebhookEvent =
  | EventOf<'domain.order.success', 'domain_order_success', M.DomainOrderEvent>
  | EventOf<'domain.order.failed', 'domain_order_failed', M.DomainOrderEvent>
  | EventOf<'mailbox.order.success', 'mailbox_order_success', M.MailboxOrderEvent>
  | EventOf<'mailbox.order.failed', 'mailbox_order_failed', M.MailboxOrderEvent>
  | EventOf<'mailbox.created', 'mailbox_created', M.MailboxEvent>
  | EventOf<'mailbox.updated', 'mailbox_updated', M.MailboxEvent>
  | EventOf<'subscription.renewing', 'subscription_renewing', M.SubscriptionEvent>
  | EventOf<'subscription.renewal.success', 'subscription_renewal_success', M.SubscriptionEvent>
  | EventOf<'subscription.renewal.failed', 'subscription_renewal_failed', M.SubscriptionEvent>
  | EventOf<'subscription.updated', 'subscription_updated', M.SubscriptionEvent>
  | EventOf<'subscription.past_due', 'subscription_past_due', M.SubscriptionEvent>
  | EventOf<'prewarmup.order.success', 'prewarmup_order_success', M.PrewarmupOrderEvent>
  | EventOf<'prewarmup.order.failed', 'prewarmup_order_failed', M.PrewarmupOrderEvent>
  | EventOf<string, 'unknown', unknown>;

/** Every event type this SDK version knows. */
export type WebhookEventType = WebhookEvent['type'];

function body(raw: unknown, fn: string): Buffer | string {
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const what = raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw;
  throw new TypeError(
    `webhooks.${fn}: the body must be the raw request body (a string or Buffer), got ${what}. ` +
      'Pass the body exactly as received, not parsed JSON: with Express use ' +
      "express.raw({ type: 'application/json' }) on the webhook route instead of express.json().",
  );
}

function headers(h: HeadersInput): Record<string, string> {
  const out: Record<string, string> = {};
  if (h == null || typeof h !== 'object') throw new TypeError('webhooks: headers must be an object');
  if (typeof (h as { forEach?: unknown }).forEach === 'function' && !Array.isArray(h)) {
    (h as { forEach(cb: (v: string, k: string) => void): void }).forEach((v, k) => {
      out[String(k).toLowerCase()] = String(v);
    });
    return out;
  }
  for (const [k, v] of Object.entries(h as Record<string, string | string[] | undefined>)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function toEvent(json: string): WebhookEvent {
  const p = JSON.parse(json) as { event: string; eventId: string | null; data: { type: string; data: unknown }; raw: Record<string, unknown> };
  const data = p.data.type === 'unknown' ? (p.raw as { data?: unknown }).data ?? null : p.data.data;
  const event = { event: p.event, type: p.data.type, eventId: p.eventId, data, raw: p.raw } as WebhookEvent;
  if (mayHoldSecrets(json)) hideSecrets(event);
  return event;
}

/**
 * Verify a delivery's signature and timestamp. Throws a
 * `SignatureVerificationError` when it does not verify (reject the delivery).
 */
export function verify(rawBody: RawBody, hdrs: HeadersInput, secret: string, options: VerifyOptions = {}): void {
  const b = body(rawBody, 'verify');
  try {
    native.webhookVerify(b, headers(hdrs), secret, options.toleranceSec, options.now);
  } catch (e) {
    rethrow(e);
  }
}

/** Parse a delivery body into a typed event, without verifying it. */
export function parse(rawBody: RawBody): WebhookEvent {
  const b = body(rawBody, 'parse');
  try {
    return toEvent(native.webhookParse(b));
  } catch (e) {
    rethrow(e);
  }
}

/** Verify, then parse: the one call a webhook handler needs. */
export function constructEvent(rawBody: RawBody, hdrs: HeadersInput, secret: string, options: VerifyOptions = {}): WebhookEvent {
  const b = body(rawBody, 'constructEvent');
  try {
    return toEvent(native.webhookConstructEvent(b, headers(hdrs), secret, options.toleranceSec, options.now));
  } catch (e) {
    rethrow(e);
  }
}

/** The headers CMR would send with `rawBody` (to test your own handler). */
export function sign(rawBody: RawBody, secret: string, timestamp: number = Math.floor(Date.now() / 1000)): Record<string, string> {
  return native.webhookSign(secret, timestamp, body(rawBody, 'sign'));
}

/** How long event ids are remembered by default, in seconds (7 days). */
export const DEFAULT_DEDUPE_TTL_SEC = 7 * 86_400;
/** How many ids the in-memory de-duplicator keeps by default. */
export const DEFAULT_DEDUPE_CAPACITY = 100_000;

/**
 * Your own store of seen event ids (Redis `SET id 1 NX EX ttl`, a database
 * unique key, ...), shared between processes and restarts. Methods may be
 * synchronous or return a Promise.
 */
export interface EventStore {
  /** Atomically: `true` if `eventId` was recorded less than its TTL ago; otherwise record it for `ttlSec` seconds and return `false`. */
  seenOrInsert(eventId: string, ttlSec: number): boolean | Promise<boolean>;
  /** Forget `eventId` so that its next delivery is processed. */
  forget(eventId: string): void | Promise<void>;
}

export interface EventDeduplicatorOptions {
  /** How long ids are remembered, in seconds (default 7 days, at most 3650 days). */
  ttlSec?: number;
  /** In-memory store only: how many ids are kept (default 100000); when full the id closest to expiry is dropped. */
  capacity?: number;
  /** Your own store (default: in memory, in this process). */
  store?: EventStore;
}

function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Drops deliveries already seen, keyed on the event id (`eventId`). CMR may
 * deliver an event more than once, and a captured delivery can be replayed
 * with a fresh timestamp (the timestamp is not signed).
 *
 * ```ts
 * const dedupe = new webhooks.EventDeduplicator();
 * if (await dedupe.seen(event.eventId)) return res.sendStatus(200); // duplicate
 * ```
 */
export class EventDeduplicator {
  /** How long ids are remembered, in seconds. */
  readonly ttlSec: number;
  readonly #store: EventStore | undefined;
  readonly #memory: native.NativeEventDeduplicator | undefined;

  constructor(options: EventDeduplicatorOptions = {}) {
    this.ttlSec = call(() => native.webhookDedupeTtl(options.ttlSec ?? DEFAULT_DEDUPE_TTL_SEC));
    this.#store = options.store;
    this.#memory =
      options.store === undefined
        ? call(() => new native.NativeEventDeduplicator(this.ttlSec, options.capacity ?? DEFAULT_DEDUPE_CAPACITY))
        : undefined;
  }

  /** Resolves `true` when `eventId` was already seen within the TTL (skip the delivery); otherwise records it and resolves `false`. */
  async seen(eventId: string): Promise<boolean> {
    if (this.#memory) {
      const m = this.#memory;
      return call(() => m.seen(eventId));
    }
    const key = call(() => native.webhookDedupeKey(eventId));
    return Boolean(await this.#store!.seenOrInsert(key, this.ttlSec));
  }

  /** Forget `eventId` (call it when handling the event failed, so that CMR's redelivery is processed). */
  async forget(eventId: string): Promise<void> {
    if (this.#memory) {
      const m = this.#memory;
      return call(() => m.forget(eventId));
    }
    const key = call(() => native.webhookDedupeKey(eventId));
    await this.#store!.forget(key);
  }

  /** `seen` on the event's id (`eventId`, else `id`, else a digest of the body). */
  async isDuplicate(event: WebhookEvent): Promise<boolean> {
    return this.seen(call(() => native.webhookEventKey(JSON.stringify(event.raw))));
  }
}

/** `constructEvent`, then `null` when the event was already seen (answer 200 and do nothing). */
export async function verifyAndDedupe(
  rawBody: RawBody,
  hdrs: HeadersInput,
  secret: string,
  dedupe: EventDeduplicator,
  options: VerifyOptions = {},
): Promise<WebhookEvent | null> {
  const event = constructEvent(rawBody, hdrs, secret, options);
  return (await dedupe.isDuplicate(event)) ? null : event;
}

/** The webhook helpers, as one object: `webhooks.constructEvent(...)`. */
export const webhooks = Object.freeze({
  verify,
  parse,
  constructEvent,
  sign,
  verifyAndDedupe,
  EventDeduplicator,
  DEFAULT_DEDUPE_TTL_SEC,
  DEFAULT_DEDUPE_CAPACITY,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DEFAULT_TOLERANCE_SEC,
});
