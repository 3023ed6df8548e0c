// ESM entry point: re-exports the CommonJS build, so `import` and `require`
// share one copy of every class (`instanceof` works across both).
import cjs from '../dist/index.js';

export const {
  Client, Users, Geo, Domains, Dns, Orders, Mailboxes, Subscriptions, Exports, Prewarmup, WalletResource,
  CmrError, AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError, ValidationError,
  PaymentRequiredError, RateLimitError, ServerError, NetworkError, TimeoutError, DecodeError,
  SignatureVerificationError, RedirectError, InternalError, ERROR_CLASSES, Page, PagePromise, webhooks, SIGNATURE_HEADER, TIMESTAMP_HEADER,
  DEFAULT_TOLERANCE_SEC, EventDeduplicator, operations, VERSION,
} = cjs;
export default cjs;
