/**
 * Pagination: `list` calls return a `PagePromise`, usable both as
 * `await client.users.list()` (the first page) and as
 * `for await (const user of client.users.list())` (every item of every page).
 */

/** One page of a paginated list, as the core returns it. */
export interface PageData<T> {
  items: T[];
  /** Page number of this page (from 1). */
  currentPage: number;
  /** Total pages, when the API says. */
  totalPages: number | null;
  /** The next page to ask for, or `null` on the last page (computed by the SDK). */
  nextPage: number | null;
  /** Total matching records, when the API says. */
  totalCount: number | null;
  /** Other fields of the page object. */
  extra: Record<string, unknown>;
}

/** @internal */
export type PageFetcher<T> = (page: number | undefined) => Promise<PageData<T>>;

/** One page, with the means to fetch the next ones. Iterating it yields every item from this page on. */
export class Page<T> implements PageData<T>, AsyncIterable<T> {
  items: T[];
  currentPage: number;
  totalPages: number | null;
  nextPage: number | null;
  totalCount: number | null;
  extra: Record<string, unknown>;
  readonly #fetch: PageFetcher<T>;

  /** @internal */
  constructor(data: PageData<T>, fetch: PageFetcher<T>) {
    this.items = data.items;
    this.currentPage = data.currentPage;
    this.totalPages = data.totalPages;
    this.nextPage = data.nextPage;
    this.totalCount = data.totalCount;
    this.extra = data.extra ?? {};
    this.#fetch = fetch;
  }

  hasNextPage(): boolean {
    return this.nextPage != null;
  }

  /** The next page, or `null` on the last one. */
  async getNextPage(): Promise<Page<T> | null> {
    if (this.nextPage == null) return null;
    return new Page(await this.#fetch(this.nextPage), this.#fetch);
  }

  /** This page and every following one. */
  async *iterPages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> | null = this;
    while (page) {
      yield page;
      page = await page.getNextPage();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.iterPages()) {
      yield* page.items;
    }
  }
}

/**
 * The first page of a list, as a promise that is also an async iterable over
 * every item of every page. The first request is sent when the promise is
 * first awaited or iterated.
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly #fetch: PageFetcher<T>;
  readonly #firstPage: number | undefined;
  #promise: Promise<Page<T>> | undefined;

  /** @internal */
  constructor(fetch: PageFetcher<T>, firstPage?: number) {
    this.#fetch = fetch;
    this.#firstPage = firstPage;
  }

  #first(): Promise<Page<T>> {
    this.#promise ??= this.#fetch(this.#firstPage).then((d) => new Page(d, this.#fetch));
    return this.#promise;
  }

  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((value: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#first().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.#first().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Page<T>> {
    return this.#first().finally(onfinally);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const first = await this.#first();
    yield* first;
  }

  get [Symbol.toStringTag](): string {
    return 'PagePromise';
  }
}
