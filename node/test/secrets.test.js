'use strict';
// The API key never shows in util.inspect, JSON, strings or errors.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const { Client, CmrError } = require('coldmailreseller');
const { useSandbox } = require('./helpers');

const env = useSandbox();
const SECRET = 'ck_live_SUPER_SECRET_do_not_print_1234';

test('util.inspect, JSON.stringify and String of a client never show the key', () => {
  const c = new Client({ apiKey: SECRET, baseUrl: env.sb.baseUrl });
  for (const s of [
    util.inspect(c),
    util.inspect(c, { showHidden: true, depth: 10 }),
    util.inspect(c.withOptions({ maxRetries: 1 })),
    util.inspect(c.users, { showHidden: true }),
    JSON.stringify(c),
    String(c),
    util.format('%o', c),
  ]) {
    assert.ok(!s.includes(SECRET), s);
  }
  assert.ok(util.inspect(c).includes(env.sb.baseUrl));
  assert.ok(!Object.values(c).some((v) => typeof v === 'string' && v.includes(SECRET)));
});

test('errors from a wrong key never carry it', async () => {
  const c = new Client({ apiKey: SECRET, baseUrl: env.sb.baseUrl, maxRetries: 0 });
  const err = await c.users.list().then(() => assert.fail('401 expected'), (e) => e);
  assert.ok(err instanceof CmrError);
  assert.equal(err.status, 401);
  for (const s of [err.message, String(err.stack), util.inspect(err, { showHidden: true, depth: 10 }), JSON.stringify(err), err.body ?? '']) {
    assert.ok(!s.includes(SECRET), s);
  }
});

test('a network failure message does not carry the key', async () => {
  await env.sb.injectFault({ path: '/wallet', kind: 'drop' });
  const c = new Client({ apiKey: SECRET, baseUrl: env.sb.baseUrl, maxRetries: 0 });
  const err = await c.wallet.get().then(() => assert.fail('network error expected'), (e) => e);
  assert.equal(err.code, 'network');
  assert.ok(!util.inspect(err, { showHidden: true }).includes(SECRET));
});

test('a key that is not a valid header value is refused without echoing it', () => {
  const bad = 'bad\nkey-SECRETPART';
  assert.throws(
    () => new Client({ apiKey: bad, baseUrl: env.sb.baseUrl }),
    (e) => e instanceof CmrError && !e.message.includes('SECRETPART') && !String(e.stack).includes('SECRETPART'),
  );
});
