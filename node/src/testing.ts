/**
 * Testing helpers: a CMR sandbox server running inside this process (the
 * Rust `cmr-sandbox`, on a free loopback port), and its control API.
 *
 * ```ts
 * import { startSandbox } from 'coldmailreseller/testing';
 * const sb = await startSandbox();
 * const client = sb.client();
 * await sb.seed();
 * await sb.advance(60); // complete pending orders, deliver webhooks
 * await sb.stop();
 * ```
 */
import { inspect } from 'node:util';

import native = require('./native');
import { Client, type ClientOptions } from './client';

export interface SandboxOptions {
  /** Loopback port; 0 or absent picks a free one. */
  port?: number;
  /** The accepted partner key (default `cmr_test_key`). */
  apiKey?: string;
  /** Where webhooks are POSTed (absent: recorded, not delivered). */
  webhookUrl?: string;
  /** Signing secret (default: the API key). */
  webhookSecret?: string;
  /** Requests per second per key (CMR's limit is 5); absent turns the limiter off. */
  rateLimit?: number;
  /** Initial wallet balance (USD). */
  walletBalance?: number;
}

/** A fault injected into the next `count` matching API requests. */
export interface Fault {
  method?: string;
  /** Path relative to the base path, for example `/users`. */
  path: string;
  count?: number;
  /**
   * Before the request is handled: `status` (answer `status`), `delay` (wait
   * `delayMs`), `drop` (close the connection). After it was handled and its
   * effects committed: `drop_after` (close without the answer), `delay_after`
   * (hold the answer `delayMs`).
   */
  kind: 'status' | 'delay' | 'drop' | 'drop_after' | 'delay_after';
  status?: number;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  delayMs?: number;
}

export interface SandboxWebhook {
  eventId: string;
  event: string;
  body: string;
  headers: Record<string, string>;
  deliveries: Array<{ attempt: number; status: number | null; at: string }>;
  [key: string]: unknown;
}

export interface SandboxRequest {
  method: string;
  path: string;
  query: string | Record<string, unknown> | null;
  status: number;
  [key: string]: unknown;
}

export interface SeedResult {
  userId: string;
  domainId: string;
  domain: string;
  subscriptionId: string;
  mailboxIds: string[];
  [key: string]: unknown;
}

export interface SandboxConfig {
  webhookUrl?: string | null;
  /** `null` turns the limiter off. */
  rateLimit?: number | null;
  webhookSecret?: string;
  /** Most items in one batch request. */
  maxBatch?: number;
  /** Requests kept in the request log. */
  maxRequests?: number;
  /** Finished webhook events kept. */
  maxEvents?: number;
}

/** The live configuration, as {@link Sandbox.config} answers it. */
export interface SandboxLiveConfig {
  webhookUrl: string | null;
  rateLimit: number | null;
  maxBatch: number;
  webhookSecretSet: boolean;
  maxRequests: number;
  maxEvents: number;
}

/** The virtual clock. */
export interface SandboxClock {
  /** RFC 3339. */
  now: string;
  offsetSeconds: number;
  frozen: boolean;
}

/**
 * The control operations {@link Sandbox.control} accepts: the sandbox's own
 * list (`cmr_sandbox::CONTROL_OPS`, read from the native addon). Its type
 * spells the same names; test/testing.test.js checks that both agree.
 */
export const CONTROL_OPS: readonly [
  'reset', 'seed', 'wallet', 'set_wallet', 'clock', 'freeze_clock', 'advance', 'webhooks', 'config', 'configure',
  'faults', 'inject_fault', 'clear_faults', 'requests', 'clear_requests', 'state', 'health',
] = Object.freeze(native.sandboxControlOps()) as never;
export type ControlOp = (typeof CONTROL_OPS)[number];

/** A running sandbox. Stop it with {@link Sandbox.stop} (or `await using`). */
export class Sandbox {
  readonly #native: native.NativeSandbox;
  /** Give this to the client: `http://127.0.0.1:PORT/api/v1/integration`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT`: the HTTP control API (for other tools) lives under `/__sandbox` here. */
  readonly url: string;

  /** @internal */
  constructor(n: native.NativeSandbox) {
    this.#native = n;
    this.baseUrl = n.baseUrl;
    this.url = n.url;
  }

  /** The accepted partner key. */
  get apiKey(): string {
    return this.#native.apiKey;
  }

  /** The webhook signing secret now in force. */
  get webhookSecret(): string {
    return this.#native.webhookSecret;
  }

  /** A client for this sandbox (its key and base URL; other options as given). */
  client(options: ClientOptions = {}): Client {
    return new Client({ apiKey: this.apiKey, baseUrl: this.baseUrl, ...options });
  }

  /**
   * Run one control operation of the sandbox (one of {@link CONTROL_OPS}:
   * `reset`, `seed`, `advance`, `configure`, `inject_fault`, `state`, ...)
   * with the camelCase arguments of the HTTP control API's bodies, and
   * resolve to its JSON answer. It runs in-process through the sandbox's
   * typed control (no HTTP). A refused input rejects with an error whose
   * `code` is `InvalidArg`.
   */
  async control<T = unknown>(op: ControlOp, args?: Record<string, unknown>): Promise<T> {
    const text = await this.#native.control(op, args === undefined ? undefined : JSON.stringify(args));
    return JSON.parse(text) as T;
  }

  /** Move the virtual clock, run every due step and deliver due webhooks. */
  advance(seconds: number): Promise<SandboxClock> {
    return this.control('advance', { seconds });
  }
  /** The virtual clock (RFC 3339). */
  async now(): Promise<string> {
    return (await this.clock()).now;
  }
  /** `{now, offsetSeconds, frozen}`. */
  clock(): Promise<SandboxClock> {
    return this.control('clock');
  }
  /** Stop (or restart) real time moving the virtual clock. */
  freezeClock(frozen = true): Promise<SandboxClock> {
    return this.control('freeze_clock', { frozen });
  }
  /** Events emitted so far, oldest first. */
  webhooks(): Promise<SandboxWebhook[]> {
    return this.control('webhooks');
  }
  /** Fail the next `count` (default 1) matching API requests; resolves to every armed fault. */
  injectFault(fault: Fault): Promise<Fault[]> {
    return this.control('inject_fault', { count: 1, ...fault });
  }
  /** The faults still armed. */
  faults(): Promise<Fault[]> {
    return this.control('faults');
  }
  async clearFaults(): Promise<void> {
    await this.control('clear_faults');
  }
  /** API requests received, oldest first. */
  requests(): Promise<SandboxRequest[]> {
    return this.control('requests');
  }
  async clearRequests(): Promise<void> {
    await this.control('clear_requests');
  }
  /** Wipe everything (state, clock, webhooks log, faults, request log, config). */
  async reset(): Promise<void> {
    await this.control('reset');
  }
  /** Create a demo dataset. */
  seed(): Promise<SeedResult> {
    return this.control('seed');
  }
  async setWallet(balance: number): Promise<void> {
    await this.control('set_wallet', { balance });
  }
  async wallet(): Promise<number> {
    return (await this.control<{ balance: number }>('wallet')).balance;
  }
  /** Change the webhook URL, the rate limit, the signing secret or the limits. */
  configure(config: SandboxConfig): Promise<SandboxLiveConfig> {
    return this.control('configure', config as Record<string, unknown>);
  }
  /** The live configuration (the secret itself is never shown). */
  config(): Promise<SandboxLiveConfig> {
    return this.control('config');
  }
  /** The whole emulated world (users, domains, mailboxes, ...) plus `persistence`. */
  state(): Promise<Record<string, unknown>> {
    return this.control('state');
  }
  /** `{ok, persistence}`. */
  health(): Promise<{ ok: boolean; persistence: Record<string, unknown> }> {
    return this.control('health');
  }

  /** Stop serving and close every connection. Idempotent. */
  stop(): Promise<void> {
    return this.#native.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  [inspect.custom](): string {
    return `Sandbox { url: ${JSON.stringify(this.url)} }`;
  }
}

/**
 * How calls run on this JavaScript thread: `'loop'`, on this thread, driven by Node's
 * event loop (Linux; the default), or `'threads'`, on the addon's native worker threads
 * (other systems, or `CMR_NODE_DRIVER=threads`). Both run the same core; see docs/node.md.
 */
export function eventLoopDriver(): 'loop' | 'threads' {
  return native.eventLoopDriver() as 'loop' | 'threads';
}

/** Start a sandbox on a free loopback port (rate limit off unless `rateLimit` is given). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return new Sandbox(await native.startSandbox(options));
}
