/**
 * The base of every resource class (`client.users`, `client.dns`, ...): the
 * generated methods of `resources.ts` and the hand-written ones of
 * `resources_custom.ts` call the client's operations through it.
 */
import { inspect } from 'node:util';

import type { Client } from './client';
import { PagePromise, type PageData } from './pagination';

/** Per-call (or per-view, with {@link Client.withOptions}) overrides. */
export interface RequestOptions {
  timeoutMs?: number;
  maxRetries?: number;
  /** Extra headers. Headers that carry the key cannot be overridden. */
  headers?: Record<string, string>;
}

/** Arguments naming the user an operation acts for. */
export interface UserRef {
  userId: string;
}

/** Calls one operation of `cmr::ops::call` by name (the client's). */
export type Call = <T>(op: string, args?: object, opts?: RequestOptions) => Promise<T>;

function page<T>(call: Call, op: string, params: { page?: number } | undefined, opts?: RequestOptions): PagePromise<T> {
  const p = { ...(params ?? {}) };
  const first = p.page;
  return new PagePromise<T>((n) => call<PageData<T>>(op, n == null ? p : { ...p, page: n }, opts), first);
}

export abstract class Resource {
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
