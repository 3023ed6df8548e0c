import { inspect } from 'node:util';

import native = require('./native');
import { fromInit, fromNative, rethrow, ValidationError, type CmrErrorInit } from './errors';
import { PagePromise, type PageData } from './pagination';
import type * as M from './models';

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
// in order, as one JSON array `[[0, logRecord] | [id, 1, result] | [id, 0, error], ...]`.
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
      else s[1](fromInit(e[2] as CmrErrorInit));
    }
  };
}

/** Per-call (or per-view, with {@link Client.withOptions}) overrides. */
export interface RequestOptions {
  timeoutMs?: number;
  maxRetries?: number;
  /** Extra headers. Headers that carry the key cannot be overridden. */
  headers?: Record<string, string>;
}

/** The `{status, message, data, actionId}` envelope every CMR answer uses (raw {@link Client.request}). */
export interface Envelope<T = unknown> {
  status: number | null;
  message: string;
  data: T;
  actionId?: string;
  [key: string]: unknown;
}

/** Arguments naming the user an operation acts for. */
export interface UserRef {
  userId: string;
}

/** A profile picture of a multipart order; `data` is the bytes (or a base64 string). */
export type ProfilePictureInput = Omit<M.ProfilePicture, 'data'> & { data: Uint8Array | string };

type Call = <T>(op: string, args?: object, opts?: RequestOptions) => Promise<T>;

function page<T>(call: Call, op: string, params: { page?: number } | undefined, opts?: RequestOptions): PagePromise<T> {
  const p = { ...(params ?? {}) };
  const first = p.page;
  return new PagePromise<T>((n) => call<PageData<T>>(op, n == null ? p : { ...p, page: n }, opts), first);
}

function pictures(files: ProfilePictureInput[] | undefined): M.ProfilePicture[] | undefined {
  return files?.map((f) => ({
    ...f,
    data: typeof f.data === 'string' ? f.data : Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('base64'),
  }));
}

abstract class Resource {
  readonly #call: Call;
  /** @internal */
  constructor(call: Call) {
    this.#call = call;
  }
  /** @internal */
  protected call<T>(op: string, args?: object, opts?: RequestOptions): Promise<T> {
    return this.#call<T>(op, args, opts);
  }
  /** @internal */
  protected page<T>(op: string, params?: { page?: number }, opts?: RequestOptions): PagePromise<T> {
    return page<T>(this.#call, op, params, opts);
  }
  [inspect.custom](): string {
    return `${this.constructor.name} {}`;
  }
}

/** The partner's customers. */
export class Users extends Resource {
  /** Every user, paginated. */
  list(params?: M.ListUsersParams, opts?: RequestOptions): PagePromise<M.User> {
    return this.page('users.list', params, opts);
  }
  get(args: UserRef, opts?: RequestOptions): Promise<M.User> {
    return this.call('users.get', args, opts);
  }
  create(args: M.CreateUser, opts?: RequestOptions): Promise<M.User> {
    return this.call('users.create', args, opts);
  }
  /** Only the fields given are changed. */
  update(args: UserRef & M.UpdateUser, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('users.update', args, opts);
  }
  delete(args: UserRef, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('users.delete', args, opts);
  }
  /**
   * The user with this e-mail (case-insensitive), or `null`. Call it after a
   * `create` that failed with `mayHaveBeenSent` before creating again.
   */
  findByEmail(args: { email: string }, opts?: RequestOptions): Promise<M.User | null> {
    return this.call('users.find_by_email', args, opts);
  }
}

/** Countries and states (reference data for addresses). */
export class Geo extends Resource {
  countries(opts?: RequestOptions): Promise<M.Country[]> {
    return this.call('geo.countries', {}, opts);
  }
  states(args: { countryCode: string }, opts?: RequestOptions): Promise<M.State[]> {
    return this.call('geo.states', args, opts);
  }
}

/** Domains, availability, forwarding and renewal. */
export class Domains extends Resource {
  list(args: UserRef, opts?: RequestOptions): Promise<M.Domain[]> {
    return this.call('domains.list', args, opts);
  }
  suggest(args: UserRef & M.SuggestDomains, opts?: RequestOptions): Promise<M.DomainAvailability[]> {
    return this.call('domains.suggest', args, opts);
  }
  checkAvailability(args: UserRef & M.CheckAvailability, opts?: RequestOptions): Promise<M.DomainAvailability> {
    return this.call('domains.check_availability', args, opts);
  }
  checkWorkspace(args: UserRef & M.CheckWorkspace, opts?: RequestOptions): Promise<M.WorkspaceCheck> {
    return this.call('domains.check_workspace', args, opts);
  }
  addForwarding(args: UserRef & M.DomainForwarding, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('domains.add_forwarding', args, opts);
  }
  addEmailForwarding(args: UserRef & M.EmailForwarding, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('domains.add_email_forwarding', args, opts);
  }
  addGoogleClientId(args: UserRef & M.GoogleClientId, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('domains.add_google_client_id', args, opts);
  }
  remove(args: UserRef & M.RemoveDomains, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('domains.remove', args, opts);
  }
  renewalPrice(args: M.DomainRenewal, opts?: RequestOptions): Promise<M.DomainRenewalItem[]> {
    return this.call('domains.renewal_price', args, opts);
  }
  renew(args: M.DomainRenewal, opts?: RequestOptions): Promise<M.DomainRenewResult> {
    return this.call('domains.renew', args, opts);
  }
  toggleAutoRenew(args: M.ToggleDomainAutoRenew, opts?: RequestOptions): Promise<M.DomainAutoRenew[]> {
    return this.call('domains.toggle_auto_renew', args, opts);
  }
}

/** DNS records of a domain. */
export class Dns extends Resource {
  list(args: UserRef & { domain: string }, opts?: RequestOptions): Promise<M.DnsRecords> {
    return this.call('dns.list', args, opts);
  }
  add(args: UserRef & M.AddDnsRecords, opts?: RequestOptions): Promise<M.DnsRecord[]> {
    return this.call('dns.add', args, opts);
  }
  update(args: UserRef & M.UpdateDnsRecord, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('dns.update', args, opts);
  }
  delete(args: UserRef & { recordId: string }, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('dns.delete', args, opts);
  }
  /**
   * Add many records (any domains of the user) in few requests, paced at CMR's
   * 5 req/s. One result per record, in input order: `succeeded`, `failed` (not
   * applied) or `maybe_applied` (check with {@link Dns.find} before resending).
   */
  addMany(args: UserRef & { records: M.BulkDnsRecord[]; batchSize?: number }, opts?: RequestOptions): Promise<M.BulkResult> {
    return this.call('dns.add_many', args, opts);
  }
  /** Was it applied? The record with this type, host and value, or `null`. */
  find(
    args: UserRef & { domain: string; recordType: M.RecordType; host: string; value: string },
    opts?: RequestOptions,
  ): Promise<M.DnsRecord | null> {
    return this.call('dns.find', args, opts);
  }
}

/** Orders of domains and mailboxes. */
export class Orders extends Resource {
  create(args: UserRef & M.CreateOrder, opts?: RequestOptions): Promise<M.OrderCreated> {
    return this.call('orders.create', args, opts);
  }
  /** The multipart form of `create`, with profile pictures as files. */
  createMultipart(args: UserRef & M.CreateOrder & { files?: ProfilePictureInput[] }, opts?: RequestOptions): Promise<M.OrderCreated> {
    return this.call('orders.create_multipart', { ...args, files: pictures(args.files) }, opts);
  }
  orderMailboxes(args: UserRef & M.MailboxOrder, opts?: RequestOptions): Promise<M.OrderCreated> {
    return this.call('orders.order_mailboxes', args, opts);
  }
  /** @deprecated Deprecated upstream: use {@link Orders.orderMailboxes}. */
  addMailboxesToSubscription(
    args: UserRef & M.AddMailboxesToSubscription & { files?: ProfilePictureInput[] },
    opts?: RequestOptions,
  ): Promise<M.OrderCreated> {
    return this.call('orders.add_mailboxes_to_subscription', { ...args, files: pictures(args.files) }, opts);
  }
  process(args: UserRef & { orderId: string }, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('orders.process', args, opts);
  }
  status(args: UserRef & { orderId: string }, opts?: RequestOptions): Promise<M.OrderStatus> {
    return this.call('orders.status', args, opts);
  }
  /**
   * Was an order for `domain` applied? The user's record of that domain
   * (status `PENDING` while the order is processed), or `null` when CMR has no
   * trace of it. Call it after a `create` that failed with `mayHaveBeenSent`
   * before ordering again.
   */
  findByDomain(args: UserRef & { domain: string }, opts?: RequestOptions): Promise<M.Domain | null> {
    return this.call('orders.find_by_domain', args, opts);
  }
  get(args: UserRef & { orderId: string }, opts?: RequestOptions): Promise<M.Order> {
    return this.call('orders.get', args, opts);
  }
}

/** Mailboxes. */
export class Mailboxes extends Resource {
  /** Every mailbox of the partner, paginated. */
  listAll(params?: M.ListMailboxesParams, opts?: RequestOptions): PagePromise<M.Mailbox> {
    return this.page('mailboxes.list_all', params, opts);
  }
  /** Every mailbox of one user. */
  list(args: UserRef, opts?: RequestOptions): Promise<M.Mailbox[]> {
    return this.call('mailboxes.list', args, opts);
  }
  get(args: { mailboxId: string; userId?: string }, opts?: RequestOptions): Promise<M.Mailbox> {
    return this.call('mailboxes.get', args, opts);
  }
  adminDetails(args: UserRef & { mailboxId: string }, opts?: RequestOptions): Promise<M.MailboxAdminDetails> {
    return this.call('mailboxes.admin_details', args, opts);
  }
  update(args: UserRef & M.MailboxUpdate, opts?: RequestOptions): Promise<M.MailboxUpdateResult> {
    return this.call('mailboxes.update', args, opts);
  }
  updateMany(args: UserRef & { mailboxData: M.MailboxUpdate[] }, opts?: RequestOptions): Promise<M.MailboxUpdateResult> {
    return this.call('mailboxes.update_many', args, opts);
  }
  /** Apply many mailbox changes in few requests, paced at CMR's 5 req/s; one result per change, in input order. */
  updateAll(args: UserRef & { changes: M.MailboxUpdate[]; batchSize?: number }, opts?: RequestOptions): Promise<M.BulkResult> {
    return this.call('mailboxes.update_all', args, opts);
  }
  remove(args: UserRef & { mailboxId: string }, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('mailboxes.remove', args, opts);
  }
}

/** Mailbox subscriptions. */
export class Subscriptions extends Resource {
  list(params?: M.ListSubscriptionsParams, opts?: RequestOptions): PagePromise<M.Subscription> {
    return this.page('subscriptions.list', params, opts);
  }
  renew(args: { subscriptionIds: string[] }, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('subscriptions.renew', args, opts);
  }
  /** By `subscriptionId` or by `domain` (one of them). */
  cancel(args: M.CancelSubscription, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('subscriptions.cancel', args, opts);
  }
  toggleAutoRenew(args: M.ToggleSubscriptionAutoRenew, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('subscriptions.toggle_auto_renew', args, opts);
  }
  recreate(args: M.RecreateSubscriptions, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('subscriptions.recreate', args, opts);
  }
}

/** Mailbox exports: OAuth re-export and platform credentials. */
export class Exports extends Resource {
  reexport(args: UserRef & { mailboxId: string }, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('exports.reexport', args, opts);
  }
  listCredentials(args: UserRef, opts?: RequestOptions): Promise<M.PlatformConnection[]> {
    return this.call('exports.list_credentials', args, opts);
  }
  addCredential(args: UserRef & M.AddPlatformCredential, opts?: RequestOptions): Promise<M.CredentialCreated> {
    return this.call('exports.add_credential', args, opts);
  }
  removeCredential(args: UserRef & { credentialId: string }, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('exports.remove_credential', args, opts);
  }
  exportMailboxes(args: UserRef & M.ExportMailboxes, opts?: RequestOptions): Promise<M.Ack> {
    return this.call('exports.export_mailboxes', args, opts);
  }
}

/** Pre-warmed mailboxes. */
export class Prewarmup extends Resource {
  list(params?: M.ListPrewarmupParams, opts?: RequestOptions): PagePromise<M.PrewarmupDomain> {
    return this.page('prewarmup.list', params, opts);
  }
  order(args: UserRef & M.PrewarmupOrder, opts?: RequestOptions): Promise<M.PrewarmupOrderCreated> {
    return this.call('prewarmup.order', args, opts);
  }
  /** CMR's own sandbox inventory. */
  sandboxList(args?: { serviceProvider?: M.ServiceProvider }, opts?: RequestOptions): Promise<M.PrewarmupDomain[]> {
    return this.call('prewarmup.sandbox_list', args ?? {}, opts);
  }
  sandboxOrder(args: UserRef & M.PrewarmupOrder, opts?: RequestOptions): Promise<M.PrewarmupOrderCreated> {
    return this.call('prewarmup.sandbox_order', args, opts);
  }
  sandboxReset(opts?: RequestOptions): Promise<M.Ack> {
    return this.call('prewarmup.sandbox_reset', {}, opts);
  }
}

/** The partner wallet. */
export class WalletResource extends Resource {
  get(opts?: RequestOptions): Promise<M.Wallet> {
    return this.call('wallet.get', {}, opts);
  }
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
    let n: native.NativeClient;
    let json: string;
    try {
      n = opts ? this.#native.withOptions(nativeOptions(opts)) : this.#native;
    } catch (e) {
      return Promise.reject(fromNative(e));
    }
    try {
      json = JSON.stringify(args ?? {});
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return Promise.reject(new ValidationError({ code: 'validation', message: `${op}: arguments are not JSON-serialisable: ${msg}` }));
    }
    return track((id) => n.start(id, op, json)) as Promise<T>;
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
