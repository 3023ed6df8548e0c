// Compile-time proof of the public types: `tsc -p test/tsconfig.json` fails
// if a type is wrong. Never run. Every `@ts-expect-error` line must be an
// error, and every `expectType` must match exactly.
import {
  Client,
  CmrError,
  NotFoundError,
  RateLimitError,
  webhooks,
  Page,
  PagePromise,
  type User,
  type Ack,
  type Mailbox,
  type Subscription,
  type DnsRecords,
  type DomainAvailability,
  type WebhookEvent,
  type MailboxStatus,
  type OrderCreated,
  type Envelope,
  type ErrorCode,
  type Wallet,
  type EventStore,
} from 'coldmailreseller';
import { startSandbox, type Sandbox } from 'coldmailreseller/testing';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T>(_v: T): void {}
function exact<A, B>(_proof: Equals<A, B> extends true ? true : never): void {}

async function usage(client: Client, sb: Sandbox): Promise<void> {
  const c2 = new Client({ apiKey: 'k', baseUrl: sb.baseUrl, timeoutMs: 1000, maxRetries: 0 });
  // @ts-expect-error unknown option
  new Client({ apiKye: 'typo' });

  const user = await client.users.create({
    email: 'a@b.com', company: 'A', firstName: 'A', lastName: 'B', country: 'US', city: 'X',
    addressLineOne: '1', languagePreference: 'en', postalCode: '1', state: 'TX', phoneCc: '1', phone: '5',
  });
  exact<typeof user, User>(true);
  expectType<string>(user.id);
  expectType<string | null>(user.email);
  // @ts-expect-error a required field is missing (phone)
  await client.users.create({ email: 'a@b.com', company: 'A', firstName: 'A', lastName: 'B', country: 'US', city: 'X', addressLineOne: '1', languagePreference: 'en', postalCode: '1', state: 'TX', phoneCc: '1' });

  const ack = await client.dns.delete({ userId: user.id, recordId: 'R' });
  exact<typeof ack, Ack>(true);
  // @ts-expect-error recordId is required
  await client.dns.delete({ userId: user.id });

  const avail = await client.domains.checkAvailability({ userId: user.id, domain: 'x.com' });
  exact<typeof avail, DomainAvailability>(true);
  expectType<boolean | null>(avail.available);

  const recs = await client.dns.list({ userId: user.id, domain: 'x.com' });
  exact<typeof recs, DnsRecords>(true);
  expectType<string>(recs.records[0].recordType);

  await client.sendError({ message: 'm' });
  const created = await client.orders.create({ userId: user.id, domains: [{ domain: 'x.com', years: 1 }], confirm: true });
  exact<typeof created, OrderCreated>(true);
  expectType<string | null>(created.orderId);

  // Enums: known values autocomplete, unknown strings are still accepted.
  const mb = await client.mailboxes.get({ mailboxId: 'M' });
  exact<typeof mb, Mailbox>(true);
  const st: MailboxStatus | null = mb.status;
  const known: MailboxStatus = 'ACTIVE';
  const future: MailboxStatus = 'SOMETHING_NEW';
  void st; void known; void future;

  // Pagination: a promise of the first page and an async iterable of items.
  const p = client.subscriptions.list({ status: 'ACTIVE', limit: 10 });
  exact<typeof p, PagePromise<Subscription>>(true);
  const first = await p;
  exact<typeof first, Page<Subscription>>(true);
  expectType<Subscription[]>(first.items);
  expectType<number | null>(first.nextPage);
  for await (const s of client.subscriptions.list()) {
    exact<typeof s, Subscription>(true);
  }
  for await (const u of client.users.list({ search: 'x' })) {
    exact<typeof u, User>(true);
  }
  // @ts-expect-error limit is a number
  client.users.list({ limit: '10' });

  const w = await client.wallet.get();
  exact<typeof w, Wallet>(true);
  expectType<number | null>(w.balance);

  const env: Envelope<{ balance: number }> = await client.request<{ balance: number }>('GET', '/wallet');
  expectType<number>(env.data.balance);

  // Errors.
  try {
    await client.users.get({ userId: 'x' });
  } catch (e) {
    if (e instanceof RateLimitError) expectType<number | null>(e.retryAfter);
    if (e instanceof NotFoundError) {
      expectType<number | null>(e.status);
      expectType<string | null>(e.body);
      expectType<string | null>(e.method);
      expectType<string | null>(e.path);
    }
    if (e instanceof CmrError) exact<typeof e.code, ErrorCode>(true);
  }

  // Webhooks: a discriminated union on `type`.
  const ev: WebhookEvent = webhooks.constructEvent(Buffer.from(''), { 'cmr-x-signature': 's' }, 'secret', { toleranceSec: 60 });
  switch (ev.type) {
    case 'mailbox_created':
      exact<typeof ev.event, 'mailbox.created'>(true);
      expectType<string | null>(ev.data.email);
      expectType<MailboxStatus | null>(ev.data.status);
      break;
    case 'domain_order_success':
      expectType<number | null>(ev.data.price);
      // @ts-expect-error a domain event has no mailbox email
      ev.data.email.toUpperCase();
      break;
    case 'unknown':
      expectType<unknown>(ev.data);
      break;
  }
  webhooks.verify('raw', new Headers(), 'secret');
  // @ts-expect-error the raw body, not parsed JSON
  webhooks.verify({ event: 'x' }, {}, 'secret');

  // De-duplication: in memory or over a sync or Promise-returning store.
  const redisLike: EventStore = { seenOrInsert: async () => false, forget: async () => {} };
  const syncStore: EventStore = { seenOrInsert: () => true, forget: () => {} };
  const dedupe = new webhooks.EventDeduplicator({ ttlSec: 3600, store: redisLike });
  void new webhooks.EventDeduplicator({ store: syncStore });
  expectType<Promise<boolean>>(dedupe.seen('E1'));
  expectType<WebhookEvent | null>(await webhooks.verifyAndDedupe('raw', {}, 'secret', dedupe));
  // @ts-expect-error a store must answer whether the id was seen
  void new webhooks.EventDeduplicator({ store: { seenOrInsert: () => 'yes', forget: () => {} } });

  // Testing helpers.
  const sandbox = await startSandbox({ rateLimit: 5 });
  const tc: Client = sandbox.client({ maxRetries: 0 });
  const seed = await sandbox.seed();
  expectType<string>(seed.userId);
  await sandbox.injectFault({ path: '/users', kind: 'status', status: 500 });
  // @ts-expect-error unknown fault kind
  await sandbox.injectFault({ path: '/users', kind: 'explode' });
  await sandbox.advance(60);
  expectType<string>((await sandbox.webhooks())[0].event);
  await sandbox.setWallet(10);
  await sandbox.stop();
  void c2; void tc;
}
void usage;
