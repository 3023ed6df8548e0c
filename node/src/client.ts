import { inspect } from 'node:util';

import native = require('./native');
import { fromInit, fromNative, rethrow, ValidationError, type CmrErrorInit } from './errors';
import type * as M from './models';
import type { Call, RequestOptions } from './resource';
import { Dns, Domains, Exports, Geo, Mailboxes, Orders, Prewarmup, Subscriptions, Users, WalletResource } from './resources';
import { hideSecrets } from './secrets';

// The resource classes are generated (resources.ts, with the hand-written
// methods of resources_custom.ts); the client's module exports them.
export { Dns, Domains, Exports, Geo, Mailboxes, Orders, Prewarmup, Subscriptions, Users, WalletResource };
export type { RequestOptions, UserRef } from './resource';
export type { ProfilePictureInput } from './resources_custom';

/** Options of a {@link Client}. Absent values take the defaults. */
export interface ClientOptions {
  /** Partner API key. Default: the `CMR_API_KEY` environment variable. */
  apiKey?: string;
  /** Default: `CMR_BASE_URL`, else `https://customers.coldmailreseller.com/api/v1/integration`. */
  baseUrl?: string;
  /** Send the key as a sandbox key (`cmr-x-sandbox-api-key`). */
  sandbox?: boolean;
  /** Timeout of one attempt in milliseconds (default 60000). */
  timeoutMs?: number;
  /** Connect timeout in milliseconds (default 10000). */
  connectTimeoutMs?: number;
  /** Retries after the first attempt (default 2; 0 disables retries). GETs only, or writes the server provably did not receive. */
  maxRetries?: number;
  /** First backoff step in milliseconds (default 500; doubles each retry, with jitter). */
  retryBaseDelayMs?: number;
  /** Longest backoff step in milliseconds (default 8000). */
  retryMaxDelayMs?: number;
  /** Pace requests client-side to at most this many per second (off by default; CMR allows 5). */
  requestsPerSecond?: number;
  /**
   * Allow a plain `http://` base URL to a host that is not loopback (a trusted
   * proxy). Off by default: the key would travel in clear text.
   */
  allowInsecureHttp?: boolean;
  /** Largest answer body read, in bytes (default 32 MiB); a longer one fails with a `DecodeError`. */
  maxResponseBytes?: number;
  /**
   * What the core logs: `'debug'` (adds truncated, redacted bodies), `'info'` (one line per
   * attempt), `'warn'` (transient failures given up on) or `'off'`. Default: the `CMR_LOG`
   * environment variable, else `'info'` when a `logger` is given, else off.
   */
  logLevel?: LogLevel;
  /**
   * Receives the log lines: any object with `debug/info/warn/error` (console, pino, winston).
   * Default: lines go to stderr when `logLevel` or `CMR_LOG` turns logging on.
   */
  logger?: Logger;
}

/** Levels of {@link ClientOptions.logLevel}, the same as `CMR_LOG`'s values. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'off';

/** Anything with the usual four methods: `console`, pino, winston, ... */
export interface Logger {
  debug(message: string, ...rest: unknown[]): unknown;
  info(message: string, ...rest: unknown[]): unknown;
  warn(message: string, ...rest: unknown[]): unknown;
  error(message: string, ...rest: unknown[]): unknown;
}

/** Fields of a log line: method, path, query (keys), status, duration_ms, attempt, retry, action_id, code, body. */
export type LogFields = Record<string, string>;

/** Forward one record of the core (`{level, message, fields}`) to `logger`. */
function forwardLog(logger: Logger, r: { level: string; message: string; fields: LogFields }): void {
  try {
    const level = r.level === 'debug' || r.level === 'info' || r.level === 'warn' ? r.level : 'warn';
    logger[level](r.message, r.fields);
  } catch {
    // A throwing logger must not break the request that is being logged.
  }
}

// --- calls in flight ----------------------------------------------------------
// The addon settles calls in batches (see bindings/node/src/lib.rs): `start`
// returns at once, and the outcome arrives later, with the client's log lines
// in order, as one JSON array `[[0, logRecord] | [id, 1, result] | [id, 0, error], ...]`
// (`[id, 2, result]`: a result that may hold credentials, see secrets.ts).
// The ids are unique across every client of this module instance.

type Settle = [resolve: (v: unknown) => void, reject: (e: unknown) => void];
const inFlight = new Map<number, Settle>();
let lastId = 0;
// A referenced timer keeps the process alive while calls are in flight (the
// addon's wake-up function is weak), and only then.
let keepAlive: NodeJS.Timeout | undefined;

function track(start: (id: number) => void): Promise<never> {
  return new Promise((resolve, reject) => {
    lastId = lastId >= 0x7fffffff ? 1 : lastId + 1;
    const id = lastId;
    inFlight.set(id, [resolve as (v: unknown) => void, reject]);
    if (inFlight.size === 1) {
      keepAlive ??= setInterval(() => undefined, 0x7fffffff);
      keepAlive.ref();
    }
    try {
      start(id);
    } catch (e) {
      settled(id);
      reject(fromNative(e));
    }
  });
}

function settled(id: number): void {
  inFlight.delete(id);
  if (inFlight.size === 0) keepAlive?.unref();
}

/** The addon's batch callback of one client (its logger, if any). */
function onEvents(logger: Logger | undefined): (batch: string) => void {
  return (batch: string) => {
    let entries: Array<[number, number | object, unknown?]>;
    try {
      entries = JSON.parse(batch) as typeof entries;
    } catch {
      return; // never: the addon writes the batch with serde_json
    }
    for (const e of entries) {
      const id = e[0];
      if (id === 0) {
        if (logger) forwardLog(logger, e[1] as { level: string; message: string; fields: LogFields });
        continue;
      }
      const s = inFlight.get(id);
      if (s === undefined) continue;
      settled(id);
      if (e[1] === 1) s[0](e[2]);
      else if (e[1] === 2) {
        // The addon found a credential field name in this result.
        hideSecrets(e[2]);
        s[0](e[2]);
      } else s[1](fromInit(e[2] as CmrErrorInit));
    }
  };
}

/** The `{status, message, data, actionId}` envelope every CMR answer uses (raw {@link Client.request}). */
export interface Envelope<T = unknown> {
  status: number | null;
  message: string;
  data: T;
  actionId?: string;
  [key: string]: unknown;
}

/**
 * A whole number of retries, checked before the addon sees it: its `u32`
 * conversion would silently turn `NaN` into 0, `1.5` into 1 and `-1` into
 * 4294967295. The core checks the upper bound.
 */
function retries(v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new ValidationError({ code: 'validation', message: `maxRetries must be a non-negative whole number, got ${String(v)}` });
  }
  return v;
}

function nativeOptions(o: RequestOptions): native.NativeRequestOptions {
  return { timeoutMs: o.timeoutMs, maxRetries: retries(o.maxRetries), headers: o.headers };
}

/**
 * The CMR partner API client. Every operation of the route table is a method
 * of a resource (`client.users.create`, `client.dns.delete`, ...) returning a
 * Promise of its typed result; failures reject with a {@link CmrError} subclass.
 *
 * The API key lives in the native core only: it is never a property of this
 * object, and never shown by `util.inspect`, `JSON.stringify` or errors.
 */
export class Client {
  readonly #native: native.NativeClient;
  /** `#native.start`, bound to it natively: cheaper per call than the method. */
  readonly #start: (id: number, op: string, argsJson?: string) => void;
  readonly users: Users;
  readonly geo: Geo;
  readonly domains: Domains;
  readonly dns: Dns;
  readonly orders: Orders;
  readonly mailboxes: Mailboxes;
  readonly subscriptions: Subscriptions;
  readonly exports: Exports;
  readonly prewarmup: Prewarmup;
  readonly wallet: WalletResource;

  constructor(options: ClientOptions = {}) {
    this.#native = Client.#build(options);
    this.#start = this.#native.starter();
    const call: Call = <T>(op: string, args?: object, opts?: RequestOptions) => this.#call<T>(op, args, opts);
    this.users = new Users(call);
    this.geo = new Geo(call);
    this.domains = new Domains(call);
    this.dns = new Dns(call);
    this.orders = new Orders(call);
    this.mailboxes = new Mailboxes(call);
    this.subscriptions = new Subscriptions(call);
    this.exports = new Exports(call);
    this.prewarmup = new Prewarmup(call);
    this.wallet = new WalletResource(call);
  }

  static #build(o: ClientOptions | native.NativeClient): native.NativeClient {
    if (o instanceof native.NativeClient) return o;
    try {
      return new native.NativeClient({
        apiKey: o.apiKey,
        baseUrl: o.baseUrl,
        sandbox: o.sandbox,
        timeoutMs: o.timeoutMs,
        connectTimeoutMs: o.connectTimeoutMs,
        maxRetries: retries(o.maxRetries),
        retryBaseDelayMs: o.retryBaseDelayMs,
        retryMaxDelayMs: o.retryMaxDelayMs,
        requestsPerSecond: o.requestsPerSecond,
        allowInsecureHttp: o.allowInsecureHttp,
        maxResponseBytes: o.maxResponseBytes,
        logLevel: o.logLevel ?? (o.logger && process.env.CMR_LOG === undefined ? 'info' : undefined),
      }, onEvents(o.logger), o.logger !== undefined);
    } catch (e) {
      rethrow(e);
    }
  }

  #call<T>(op: string, args?: object, opts?: RequestOptions): Promise<T> {
    let n: native.NativeClient | undefined;
    let json: string;
    try {
      n = opts ? this.#native.withOptions(nativeOptions(opts)) : undefined;
    } catch (e) {
      return Promise.reject(fromNative(e));
    }
    try {
      json = JSON.stringify(args ?? {});
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return Promise.reject(new ValidationError({ code: 'validation', message: `${op}: arguments are not JSON-serialisable: ${msg}` }));
    }
    const start = this.#start;
    return track(n ? (id) => n.start(id, op, json) : (id) => start(id, op, json)) as Promise<T>;
  }

  /** The base URL requests go to. */
  get baseUrl(): string {
    return this.#native.baseUrl;
  }

  /**
   * A client whose requests use `options` (timeout, retries, extra headers);
   * shares this client's connection pool.
   */
  withOptions(options: RequestOptions): Client {
    // The constructor also accepts a native client view (internal).
    let view: native.NativeClient;
    try {
      view = this.#native.withOptions(nativeOptions(options));
    } catch (e) {
      rethrow(e);
    }
    return new Client(view as unknown as ClientOptions);
  }

  /** Report an error to CMR. */
  sendError(args: M.SendErrorReport, opts?: RequestOptions): Promise<M.Ack> {
    return this.#call('send_error', args, opts);
  }

  /**
   * Raw escape hatch: call any path (relative to the base URL) with the
   * client's key, retries and errors, and get the decoded envelope.
   */
  request<T = unknown>(
    method: string,
    path: string,
    init: { query?: Record<string, string | number | boolean | null | undefined>; body?: unknown } = {},
  ): Promise<Envelope<T>> {
    const q = init.query === undefined ? undefined : JSON.stringify(init.query);
    const b = init.body === undefined ? undefined : JSON.stringify(init.body);
    return track((id) => this.#native.startRequest(id, method, path, q, b)) as Promise<Envelope<T>>;
  }

  /** Call an operation of the route table by its name (`users.create`, ...). */
  callOperation<T = unknown>(op: string, args?: object, opts?: RequestOptions): Promise<T> {
    return this.#call<T>(op, args, opts);
  }

  [inspect.custom](): string {
    return `Client { baseUrl: ${JSON.stringify(this.baseUrl)}, apiKey: '****' }`;
  }

  toJSON(): object {
    return { baseUrl: this.baseUrl };
  }

  toString(): string {
    return `Client(${this.baseUrl})`;
  }
}
