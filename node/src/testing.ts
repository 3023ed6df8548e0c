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
}

/** A running sandbox. Stop it with {@link Sandbox.stop} (or `await using`). */
export class Sandbox {
  readonly #native: native.NativeSandbox;
  /** Give this to the client: `http://127.0.0.1:PORT/api/v1/integration`. */
  readonly baseUrl: string;
  /** The control API lives under `/__sandbox` here: `http://127.0.0.1:PORT`. */
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

  async #control<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox control ${method} ${path} failed: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Move the virtual clock, run every due step and deliver due webhooks. */
  advance(seconds: number): Promise<unknown> {
    return this.#control('POST', '/clock/advance', { seconds });
  }
  /** The virtual clock (RFC 3339). */
  async now(): Promise<string> {
    return (await this.#control<{ now: string }>('GET', '/clock')).now;
  }
  /** Events emitted so far, oldest first. */
  webhooks(): Promise<SandboxWebhook[]> {
    return this.#control('GET', '/webhooks');
  }
  /** Fail the next `count` (default 1) matching API requests. */
  injectFault(fault: Fault): Promise<unknown> {
    return this.#control('POST', '/faults', { count: 1, ...fault });
  }
  clearFaults(): Promise<unknown> {
    return this.#control('DELETE', '/faults');
  }
  /** API requests received, oldest first. */
  requests(): Promise<SandboxRequest[]> {
    return this.#control('GET', '/requests');
  }
  /** Wipe everything (state, clock, webhooks log, faults, request log). */
  reset(): Promise<unknown> {
    return this.#control('POST', '/reset');
  }
  /** Create a demo dataset. */
  seed(): Promise<SeedResult> {
    return this.#control('POST', '/seed');
  }
  setWallet(balance: number): Promise<unknown> {
    return this.#control('PUT', '/wallet', { balance });
  }
  async wallet(): Promise<number> {
    return (await this.#control<{ balance: number }>('GET', '/wallet')).balance;
  }
  /** Change the webhook URL, the rate limit or the signing secret. */
  configure(config: SandboxConfig): Promise<unknown> {
    return this.#control('PUT', '/config', config);
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

/** Start a sandbox on a free loopback port (rate limit off unless `rateLimit` is given). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return new Sandbox(await native.startSandbox(options));
}
