'use strict';
// Webhooks: every shared vector, a real signed delivery to a local server,
// the raw-body guard.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { once } = require('node:events');
const { webhooks, SignatureVerificationError, DecodeError } = require('coldmailreseller');
const { useSandbox, scenario, newUser, order } = require('./helpers');

const vectors = scenario('webhook_vectors.json');

for (const v of vectors.cases) {
  test(`webhook vector ${v.name}`, () => {
    const opts = { now: v.now, toleranceSec: 300 };
    for (const raw of [v.body, Buffer.from(v.body), new Uint8Array(Buffer.from(v.body))]) {
      if (v.valid) {
        webhooks.verify(raw, v.headers, vectors.secret, opts);
        const ev = webhooks.constructEvent(raw, v.headers, vectors.secret, opts);
        assert.equal(ev.event, v.event);
        assert.equal(ev.eventId, v.eventId);
        assert.equal(ev.type, v.event.replace(/\./g, '_'));
      } else {
        const err = (() => {
          try {
            webhooks.verify(raw, v.headers, vectors.secret, opts);
          } catch (e) {
            return e;
          }
          assert.fail('expected a SignatureVerificationError');
        })();
        assert.ok(err instanceof SignatureVerificationError, String(err));
        assert.equal(err.code, 'signature');
        if (v.errorContains) assert.ok(err.message.includes(v.errorContains), err.message);
        assert.throws(() => webhooks.constructEvent(raw, v.headers, vectors.secret, opts), SignatureVerificationError);
      }
    }
  });
}

test('parse gives a typed event narrowed by type; unknown events are kept', () => {
  const valid = vectors.cases.find((c) => c.valid);
  const ev = webhooks.parse(valid.body);
  assert.equal(ev.type, 'domain_order_success');
  assert.equal(ev.data.domainName, 'company.com');
  assert.equal(ev.data.price, 15.88);
  assert.equal(ev.raw.event, 'domain.order.success');
  const unknown = webhooks.parse('{"event":"dns.changed","eventId":"X","data":{"a":1}}');
  assert.equal(unknown.type, 'unknown');
  assert.equal(unknown.event, 'dns.changed');
  assert.deepEqual(unknown.data, { a: 1 });
  assert.throws(() => webhooks.parse('not json'), DecodeError);
});

test('a parsed object instead of the raw body is a TypeError that says to pass the raw body', () => {
  const valid = vectors.cases.find((c) => c.valid);
  const parsed = JSON.parse(valid.body);
  for (const fn of [
    () => webhooks.verify(parsed, valid.headers, vectors.secret),
    () => webhooks.constructEvent(parsed, valid.headers, vectors.secret),
    () => webhooks.parse(parsed),
  ]) {
    assert.throws(fn, (e) => e instanceof TypeError && /raw/.test(e.message) && /express\.raw\(\)|express\.raw\(/.test(e.message));
  }
});

test('sign produces headers that verify (for testing your own handler)', () => {
  const body = '{"event":"mailbox.created","eventId":"E","data":{"email":"a@b.com"}}';
  const h = webhooks.sign(body, 'whsec', 1700000000);
  webhooks.verify(body, h, 'whsec', { now: 1700000000 });
  assert.throws(() => webhooks.verify(body, h, 'other', { now: 1700000000 }), SignatureVerificationError);
});

test('fetch Headers and Node header objects are accepted', () => {
  const v = vectors.cases.find((c) => c.valid);
  webhooks.verify(v.body, new Headers(v.headers), vectors.secret, { now: v.now });
  const nodeStyle = Object.fromEntries(Object.entries(v.headers).map(([k, val]) => [k.toUpperCase(), [val]]));
  webhooks.verify(v.body, nodeStyle, vectors.secret, { now: v.now });
});

test('a real delivery from the sandbox to an http.createServer verifies with constructEvent', async (t) => {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      try {
        received.push(webhooks.constructEvent(raw, req.headers, secret));
        res.writeHead(200).end('ok');
      } catch (e) {
        received.push(e);
        res.writeHead(400).end(String(e.message));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const { startSandbox } = require('coldmailreseller/testing');
  const sb = await startSandbox({ webhookUrl: `http://127.0.0.1:${server.address().port}/hooks` });
  t.after(() => sb.stop());
  const secret = sb.webhookSecret;
  const client = sb.client({ maxRetries: 0 });
  const user = await client.users.create(newUser());
  await client.orders.create({ userId: user.id, ...order('hook-example.com', ['a']) });
  await sb.advance(60);
  const errors = received.filter((r) => r instanceof Error);
  assert.deepEqual(errors, []);
  assert.deepEqual(received.map((e) => e.event), ['domain.order.success', 'mailbox.order.success', 'mailbox.created']);
  const created = received[2];
  assert.equal(created.type, 'mailbox_created');
  if (created.type === 'mailbox_created') assert.ok(created.data.email.endsWith('@hook-example.com'));
  const log = await sb.webhooks();
  assert.ok(log.every((h) => h.deliveries.some((d) => d.status === 200)), JSON.stringify(log.map((h) => h.deliveries)));
});

test('a negative, NaN or absurd tolerance is a ValidationError, never the default', () => {
  const { ValidationError } = require('coldmailreseller');
  const v = vectors.cases[0];
  for (const toleranceSec of [-1, NaN, Infinity, 1e30, 3650 * 86400 + 1]) {
    assert.throws(() => webhooks.verify(v.body, v.headers, vectors.secret, { now: v.now, toleranceSec }), ValidationError, String(toleranceSec));
  }
  for (const now of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0]) {
    assert.throws(() => webhooks.verify(v.body, v.headers, vectors.secret, { now, toleranceSec: 3650 * 86400 }), SignatureVerificationError);
  }
});

test('EventDeduplicator in memory: seen, forget, TTL, capacity, bad settings', async () => {
  const { ValidationError, EventDeduplicator } = require('coldmailreseller');
  assert.equal(EventDeduplicator, webhooks.EventDeduplicator);
  const d = new webhooks.EventDeduplicator();
  assert.equal(d.ttlSec, webhooks.DEFAULT_DEDUPE_TTL_SEC);
  assert.equal(await d.seen('E1'), false);
  assert.equal(await d.seen('E1'), true);
  assert.equal(await d.seen('E2'), false);
  await d.forget('E1');
  assert.equal(await d.seen('E1'), false);
  await assert.rejects(d.seen(''), ValidationError);
  const zero = new webhooks.EventDeduplicator({ ttlSec: 0 });
  assert.deepEqual([await zero.seen('E'), await zero.seen('E')], [false, false], 'a 0 s TTL forgets at once');
  const small = new webhooks.EventDeduplicator({ ttlSec: 3600, capacity: 2 });
  for (const id of ['a', 'b', 'c']) assert.equal(await small.seen(id), false);
  assert.equal(await small.seen('c'), true);
  assert.equal(await small.seen('a'), false, 'the oldest id was dropped to stay within capacity');
  for (const opts of [{ ttlSec: -1 }, { ttlSec: NaN }, { ttlSec: 1e300 }, { capacity: 0 }, { capacity: 1.5 }, { capacity: 1e12 }]) {
    assert.throws(() => new webhooks.EventDeduplicator(opts), ValidationError, JSON.stringify(opts));
  }
});

for (const kind of ['sync', 'async']) {
  test(`EventDeduplicator over a user store (${kind})`, async () => {
    const data = new Map();
    const wrap = (v) => (kind === 'async' ? Promise.resolve(v) : v);
    const store = {
      seenOrInsert(id, ttlSec) {
        if (data.has(id)) return wrap(true);
        data.set(id, ttlSec);
        return wrap(false);
      },
      forget(id) {
        data.delete(id);
        return wrap(undefined);
      },
    };
    const d = new webhooks.EventDeduplicator({ store, ttlSec: 60 });
    const ev = webhooks.parse(vectors.cases[0].body);
    assert.equal(await d.isDuplicate(ev), false);
    assert.equal(await d.isDuplicate(ev), true);
    assert.deepEqual([...data], [['6SSHBXWR3N4JEKGRQSG3KW3D76N6', 60]]);
    await d.forget('6SSHBXWR3N4JEKGRQSG3KW3D76N6');
    assert.equal(data.size, 0);
    assert.equal(await d.seen('x'.repeat(1000)), false);
    const [key] = data.keys();
    assert.ok(key.startsWith('sha256:') && key.length === 71, key);
    const anon = webhooks.parse('{"event":"x.y","data":{"a":1}}');
    assert.deepEqual([await d.isDuplicate(anon), await d.isDuplicate(anon)], [false, true]);
  });
}

test('verifyAndDedupe drops a replay that carries a fresh timestamp', async () => {
  const v = vectors.cases[0];
  const d = new webhooks.EventDeduplicator();
  const first = await webhooks.verifyAndDedupe(v.body, v.headers, vectors.secret, d, { now: v.now });
  assert.equal(first.eventId, v.eventId);
  const replay = { ...v.headers, 'cmr-x-timestamp': String(v.now + 3600) };
  webhooks.verify(v.body, replay, vectors.secret, { now: v.now + 3600 }); // the timestamp is not signed
  assert.equal(await webhooks.verifyAndDedupe(v.body, replay, vectors.secret, d, { now: v.now + 3600 }), null);
  await assert.rejects(webhooks.verifyAndDedupe(v.body + ' ', replay, vectors.secret, d, { now: v.now + 3600 }), SignatureVerificationError);
});
