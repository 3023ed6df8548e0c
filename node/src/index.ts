/**
 * cmr: the Cold Mail Reseller (CMR) partner API client for Node.js.
 *
 * ```ts
 * import { Client, NotFoundError } from 'coldmailreseller';
 * const client = new Client({ apiKey: process.env.CMR_API_KEY });
 * const user = await client.users.create({ ... });
 * for await (const sub of client.subscriptions.list()) console.log(sub.subscriptionId);
 * ```
 */
import native = require('./native');

export {
  Client,
  Users,
  Geo,
  Domains,
  Dns,
  Orders,
  Mailboxes,
  Subscriptions,
  Exports,
  Prewarmup,
  WalletResource,
} from './client';
export type { ClientOptions, RequestOptions, Envelope, UserRef, ProfilePictureInput, Logger, LogLevel, LogFields } from './client';
export {
  CmrError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  ValidationError,
  PaymentRequiredError,
  RateLimitError,
  ServerError,
  NetworkError,
  TimeoutError,
  DecodeError,
  SignatureVerificationError,
  RedirectError,
  InternalError,
  ERROR_CLASSES,
} from './errors';
export type { ErrorCode, CmrErrorInit } from './errors';
export { Page, PagePromise } from './pagination';
export type { PageData } from './pagination';
export { webhooks, SIGNATURE_HEADER, TIMESTAMP_HEADER, DEFAULT_TOLERANCE_SEC, EventDeduplicator } from './webhooks';
export type { WebhookEvent, WebhookEventType, RawBody, HeadersInput, VerifyOptions, EventStore, EventDeduplicatorOptions } from './webhooks';
export type * from './models';

/** Every operation of the route table: `{op, method, path, paginated}`. */
export function operations(): Array<{ op: string; method: string; path: string; paginated: boolean }> {
  return JSON.parse(native.operations());
}

/** SDK version. */
export const VERSION: string = native.coreVersion();
