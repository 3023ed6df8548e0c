/**
 * The one error hierarchy of the SDK (docs/CONTRACTS.md section 2).
 *
 * Every failure of a call rejects with a `CmrError` subclass chosen by what
 * the caller should do next. Each carries `code`, `status`, `method`, `path`,
 * `body` (and `message`); none ever carries the API key.
 */

/** Stable error codes shared by every language of the SDK. */
export type ErrorCode =
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'conflict'
  | 'validation'
  | 'payment_required'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'decode'
  | 'signature'
  | 'redirect'
  | 'internal';

/** What the core reports about a failed call. */
export interface CmrErrorInit {
  code: ErrorCode;
  message: string;
  status?: number | null;
  method?: string | null;
  path?: string | null;
  body?: string | null;
  /** Seconds (429 `Retry-After`). */
  retryAfter?: number | null;
  mayHaveBeenSent?: boolean;
  /** The body was longer than 64 KiB and was cut. */
  bodyTruncated?: boolean;
  /** `Location` of a redirect the client refused to follow. */
  location?: string | null;
}

/** Base class of every error the SDK raises for a failed call. */
export class CmrError extends Error {
  /** Stable code, for example `not_found`. */
  readonly code: ErrorCode;
  /** HTTP status, when the server answered. */
  readonly status: number | null;
  /** HTTP method of the failed request. */
  readonly method: string | null;
  /** Path of the failed request relative to the base URL (never the query string). */
  readonly path: string | null;
  /** Raw response body, when the server answered (at most 64 KiB). */
  readonly body: string | null;
  /** Whether `body` was cut to 64 KiB. */
  readonly bodyTruncated: boolean;
  /** `Location` of a redirect the client refused to follow (`RedirectError`). */
  readonly location: string | null;
  /**
   * Whether the server may have received the request. A write that fails
   * with `mayHaveBeenSent === true` may have been accepted: check its effect
   * before sending it again.
   */
  readonly mayHaveBeenSent: boolean;

  constructor(init: CmrErrorInit) {
    super(init.message);
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status ?? null;
    this.method = init.method ?? null;
    this.path = init.path ?? null;
    this.body = init.body ?? null;
    this.bodyTruncated = init.bodyTruncated ?? false;
    this.location = init.location ?? null;
    this.mayHaveBeenSent = init.mayHaveBeenSent ?? false;
  }
}

/** 401: the API key is missing, wrong or revoked. */
export class AuthenticationError extends CmrError {}
/** 403: the key is valid but may not do this. */
export class PermissionDeniedError extends CmrError {}
/** 404: no such record (under this partner account). */
export class NotFoundError extends CmrError {}
/** 409: conflicts with existing state. */
export class ConflictError extends CmrError {}
/** 400/422 and other 4xx, or input rejected before sending. */
export class ValidationError extends CmrError {}
/** 402: the partner wallet does not cover the operation. */
export class PaymentRequiredError extends CmrError {}
/** 429: too many requests; wait `retryAfter` seconds. */
export class RateLimitError extends CmrError {
  /** Seconds the server asked to wait, when it said. */
  readonly retryAfter: number | null;
  constructor(init: CmrErrorInit) {
    super(init);
    this.retryAfter = init.retryAfter ?? null;
  }
}
/** 5xx: CMR failed. */
export class ServerError extends CmrError {}
/** The connection failed (DNS, refused, reset, TLS). */
export class NetworkError extends CmrError {}
/** The request did not complete within the timeout. */
export class TimeoutError extends CmrError {}
/** The server answered something the API does not document. */
export class DecodeError extends CmrError {}
/** A webhook delivery failed verification: reject it. */
export class SignatureVerificationError extends CmrError {}

/**
 * The server answered with a redirect (3xx), which is never followed: the API
 * key must not leave the configured origin. `location` says where it pointed.
 */
export class RedirectError extends CmrError {}
/** A bug inside the SDK (a caught panic of the native core). Please report it. */
export class InternalError extends CmrError {}

/** The class of each code. */
export const ERROR_CLASSES: Readonly<Record<ErrorCode, new (init: CmrErrorInit) => CmrError>> = Object.freeze({
  authentication: AuthenticationError,
  permission: PermissionDeniedError,
  not_found: NotFoundError,
  conflict: ConflictError,
  validation: ValidationError,
  payment_required: PaymentRequiredError,
  rate_limited: RateLimitError,
  server: ServerError,
  network: NetworkError,
  timeout: TimeoutError,
  decode: DecodeError,
  signature: SignatureVerificationError,
  redirect: RedirectError,
  internal: InternalError,
});

/**
 * Turn a rejection of the native addon into its `CmrError` subclass. The
 * addon's message is a JSON object `{code, message, status, ...}`; any other
 * failure of the addon is a bug of the SDK and becomes an `InternalError`
 * (never a bare `Error` the caller's `instanceof CmrError` would miss).
 * @internal
 */
export function fromNative(e: unknown): unknown {
  if (e instanceof CmrError) return e;
  const text = e instanceof Error ? e.message : String(e);
  if (text.startsWith('{')) {
    try {
      return fromInit(JSON.parse(text) as CmrErrorInit);
    } catch {
      // fall through
    }
  }
  const err = new InternalError({
    code: 'internal',
    message: `internal error in the cmr SDK (please report it): ${text}`,
    mayHaveBeenSent: true,
  });
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** The `CmrError` subclass for an error object of the addon. @internal */
export function fromInit(init: CmrErrorInit): CmrError {
  const cls = ERROR_CLASSES[init.code] ?? InternalError;
  return new cls(init);
}

/** Rethrow a native rejection as a `CmrError`. @internal */
export function rethrow(e: unknown): never {
  throw fromNative(e);
}
