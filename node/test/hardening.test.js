'use strict';
// Issue #10 from Node: a write whose answer is lost is not re-sent and is found
// again by a lookup; a panic in the core arrives as an InternalError; bad
// durations and counts are refused before anything is sent; plain http off
// loopback is refused; redirects and oversized bodies are typed errors.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const cmr = require('coldmailreseller');
const { useSandbox, newUser, order, hits } = require('./helpers');

const env = useSandbox();
const ORDER_PATH = '/orders/json';

async function state(sb) {
  return sb.state();
}

/** Orders in the sandbox state whose request names `domain`. */
async function ordersFor(sb, domain) {
  const s = await state(sb);
  return Object.values(s.orders).filter((o) => (o.request?.domains ?? []).some((d) => d.domain === domain));
}

/** The core names settings in snake case (`max_retries`); Node's own checks in camelCase. */
function namesSetting(message, name) {
  const snake = name.replace(/Ms$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return message.includes(name) || message.includes(snake);
}

async function rejection(promise) {
  return promise.then(
    (v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`),
    (e) => e,
  );
}

// --- a created order whose answer is lost ----------------------------------

test('an order whose answer is lost is not re-sent, may have been sent, and is found by findByDomain', async () => {
  await env.sb.setWallet(100000);
  // Default retries (on): a maybe-applied write must still not be re-sent.
  const client = env.sb.client({ retryBaseDelayMs: 10, retryMaxDelayMs: 50 });
  const user = await client.users.create(newUser('lost@acme.com'));
  await env.sb.injectFault({ method: 'POST', path: ORDER_PATH, kind: 'drop_after' });
  const err = await rejection(client.orders.create({ userId: user.id, ...order('lost-answer.com', ['ann']) }));
  assert.ok(err instanceof cmr.NetworkError, `${err?.name}: ${err?.message}`);
  assert.ok(err instanceof cmr.CmrError);
  assert.equal(err.code, 'network');
  assert.equal(err.status, null);
  assert.equal(err.mayHaveBeenSent, true);
  assert.deepEqual([err.method, err.path], ['POST', ORDER_PATH]);
  assert.equal(await hits(env.sb, 'POST', ORDER_PATH), 1);
  const logged = (await env.sb.requests()).filter((r) => r.path === ORDER_PATH);
  assert.equal(logged[0].fault, 'drop_after');
  assert.equal(logged[0].status, 200);

  const found = await client.orders.findByDomain({ userId: user.id, domain: 'lost-answer.com' });
  assert.ok(found, 'the lookup finds the ordered domain');
  assert.equal(found.domainName, 'lost-answer.com');
  assert.equal(found.status, 'PENDING');
  assert.equal(await client.orders.findByDomain({ userId: user.id, domain: 'never-ordered.com' }), null);
  assert.equal((await ordersFor(env.sb, 'lost-answer.com')).length, 1);
  assert.equal(await hits(env.sb, 'POST', ORDER_PATH), 1);
});

test('an answer held past the per-call timeout is a TimeoutError that may have been sent', async () => {
  await env.sb.setWallet(100000);
  const client = env.sb.client();
  const user = await client.users.create(newUser('late@acme.com'));
  await env.sb.injectFault({ method: 'POST', path: ORDER_PATH, kind: 'delay_after', delayMs: 3000 });
  const err = await rejection(client.orders.create({ userId: user.id, ...order('late-answer.com', ['bob']) }, { timeoutMs: 300 }));
  assert.ok(err instanceof cmr.TimeoutError, `${err?.name}: ${err?.message}`);
  assert.equal(err.mayHaveBeenSent, true);
  assert.equal(await hits(env.sb, 'POST', ORDER_PATH), 1);
  const found = await client.orders.findByDomain({ userId: user.id, domain: 'late-answer.com' });
  assert.equal(found?.status, 'PENDING');
  assert.equal((await ordersFor(env.sb, 'late-answer.com')).length, 1);
});

test('a user whose creation answer is lost is found by findByEmail', async () => {
  const client = env.sb.client();
  await env.sb.injectFault({ method: 'POST', path: '/users', kind: 'drop_after' });
  const err = await rejection(client.users.create(newUser('Lost.User@Acme.com')));
  assert.ok(err instanceof cmr.NetworkError, `${err?.name}: ${err?.message}`);
  assert.equal(err.mayHaveBeenSent, true);
  assert.equal(await hits(env.sb, 'POST', '/users'), 1);
  const found = await client.users.findByEmail({ email: 'lost.user@acme.com' });
  assert.equal(found?.email?.toLowerCase(), 'lost.user@acme.com');
  assert.equal(await client.users.findByEmail({ email: 'nobody@acme.com' }), null);
  const users = Object.values((await state(env.sb)).users).filter((u) => String(u.email ?? u.user?.email).toLowerCase() === 'lost.user@acme.com');
  assert.equal(users.length, 1);
});

// --- a panic inside the core ------------------------------------------------

test('a panic inside the core rejects with an InternalError (a CmrError), and the client still works', async () => {
  const client = env.sb.client();
  const err = await rejection(client.callOperation('__panic_for_tests'));
  assert.ok(err instanceof cmr.InternalError, `${err?.name}: ${err?.message}`);
  assert.ok(err instanceof cmr.CmrError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'InternalError');
  assert.equal(err.code, 'internal');
  assert.match(err.message, /panic/);
  assert.equal(cmr.ERROR_CLASSES.internal, cmr.InternalError);
  assert.equal(cmr.ERROR_CLASSES.redirect, cmr.RedirectError);
  assert.equal(typeof (await client.wallet.get()).balance, 'number');
});

// --- user-supplied numbers --------------------------------------------------

const BAD_SETTINGS = [
  { timeoutMs: -5 },
  { timeoutMs: NaN },
  { timeoutMs: Infinity },
  { timeoutMs: 1e300 },
  { timeoutMs: 0 },
  { connectTimeoutMs: -1 },
  { retryBaseDelayMs: NaN },
  { retryMaxDelayMs: 1e300 },
  { maxRetries: -1 },
  { maxRetries: 1.5 },
  { maxRetries: NaN },
  { maxRetries: 2 ** 32 },
  { maxRetries: 1000 },
  { requestsPerSecond: 0 },
  { requestsPerSecond: -2 },
  { requestsPerSecond: NaN },
  { maxResponseBytes: -1 },
  { maxResponseBytes: 1.5 },
  { maxResponseBytes: 10 },
];

for (const bad of BAD_SETTINGS) {
  const [name, value] = Object.entries(bad)[0];
  test(`constructor: ${name}: ${value} is a ValidationError, nothing sent`, async () => {
    const err = (() => {
      try {
        env.sb.client(bad);
      } catch (e) {
        return e;
      }
      return assert.fail('the constructor accepted it');
    })();
    assert.ok(err instanceof cmr.ValidationError, `${err?.name}: ${err?.message}`);
    assert.equal(err.code, 'validation');
    assert.equal(err.status, null);
    assert.equal(err.mayHaveBeenSent, false);
    assert.ok(namesSetting(err.message, name), err.message);
    assert.deepEqual(await env.sb.requests(), []);
  });
}

const BAD_PER_CALL = [{ timeoutMs: -5 }, { timeoutMs: NaN }, { timeoutMs: 1e300 }, { timeoutMs: 0 }, { maxRetries: -1 }, { maxRetries: 1.5 }, { maxRetries: 1000 }];

for (const bad of BAD_PER_CALL) {
  const [name, value] = Object.entries(bad)[0];
  test(`per-call and withOptions: ${name}: ${value} is a ValidationError, nothing sent`, async () => {
    const client = env.sb.client();
    const err = await rejection(client.wallet.get(bad));
    assert.ok(err instanceof cmr.ValidationError, `${err?.name}: ${err?.message}`);
    assert.ok(namesSetting(err.message, name), err.message);
    assert.throws(
      () => client.withOptions(bad),
      (e) => e instanceof cmr.ValidationError && namesSetting(e.message, name),
    );
    assert.deepEqual(await env.sb.requests(), []);
  });
}

// --- base URL ---------------------------------------------------------------

test('plain http off loopback is refused unless allowInsecureHttp', async () => {
  const url = 'http://example.com/api/v1/integration';
  assert.throws(
    () => new cmr.Client({ apiKey: 'k', baseUrl: url }),
    (e) => e instanceof cmr.ValidationError && e.message.includes(url),
  );
  const c = new cmr.Client({ apiKey: 'k', baseUrl: url, allowInsecureHttp: true });
  assert.ok(c.baseUrl.startsWith('http://example.com'));
  assert.ok(new cmr.Client({ apiKey: 'k', baseUrl: 'https://example.com/api' }).baseUrl.startsWith('https://'));
  for (const host of ['127.0.0.1', 'localhost', '[::1]']) new cmr.Client({ apiKey: 'k', baseUrl: `http://${host}:9/api` });
  assert.deepEqual(await env.sb.requests(), []);
});

// --- error fields on real errors (a small loopback server) -----------------------

const seen = [];
let server;
let origin;

before(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url.startsWith('/api/redirect')) {
      res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere/wallet', 'content-length': 0 });
      res.end();
    } else if (req.url.startsWith('/api/bigerror')) {
      const body = `{"success":false,"message":"${'x'.repeat(200 * 1024)}"}`;
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else if (req.url.startsWith('/api/huge')) {
      const body = `{"success":true,"data":{"balance":1,"pad":"${'y'.repeat(64 * 1024)}"}}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      res.writeHead(404, { 'content-length': 0 });
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test('a redirect is a RedirectError with its location, neither followed nor retried', async () => {
  seen.length = 0;
  const client = new cmr.Client({ apiKey: 'secret-key-123', baseUrl: `${origin}/api/redirect`, maxRetries: 3 });
  const err = await rejection(client.wallet.get());
  assert.ok(err instanceof cmr.RedirectError, `${err?.name}: ${err?.message}`);
  assert.ok(err instanceof cmr.CmrError);
  assert.equal(err.code, 'redirect');
  assert.equal(err.status, 302);
  assert.equal(err.location, 'http://127.0.0.1:9/elsewhere/wallet');
  assert.equal(err.bodyTruncated, false);
  assert.ok(!JSON.stringify({ ...err, m: err.message, s: String(err.stack) }).includes('secret-key-123'));
  assert.deepEqual(seen, ['GET /api/redirect/wallet']);
});

test('a long error body is cut to 64 KiB and says so', async () => {
  const client = new cmr.Client({ apiKey: 'k', baseUrl: `${origin}/api/bigerror`, maxRetries: 0 });
  const err = await rejection(client.wallet.get());
  assert.ok(err instanceof cmr.ServerError, `${err?.name}: ${err?.message}`);
  assert.equal(err.status, 500);
  assert.equal(err.bodyTruncated, true);
  assert.ok(Buffer.byteLength(err.body) > 0 && Buffer.byteLength(err.body) <= 64 * 1024, String(err.body.length));
  assert.equal(err.location, null);
});

test('an answer over maxResponseBytes is a DecodeError; the default cap reads it', async () => {
  const small = new cmr.Client({ apiKey: 'k', baseUrl: `${origin}/api/huge`, maxRetries: 0, maxResponseBytes: 4096 });
  const err = await rejection(small.wallet.get());
  assert.ok(err instanceof cmr.DecodeError, `${err?.name}: ${err?.message}`);
  const normal = new cmr.Client({ apiKey: 'k', baseUrl: `${origin}/api/huge` });
  assert.equal((await normal.wallet.get()).balance, 1);
});

test('an ordinary error has the new fields at their defaults', async () => {
  const err = await rejection(env.sb.client({ maxRetries: 0 }).users.get({ userId: 'NOSUCHUSER000000000000000000' }));
  assert.ok(err instanceof cmr.NotFoundError);
  assert.equal(err.bodyTruncated, false);
  assert.equal(err.location, null);
});
