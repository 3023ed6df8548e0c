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

// Credentials in results: readable and in JSON (callers store them), never
// printed by console.log / util.inspect.
const { webhooks } = require('coldmailreseller');
const { provisioned } = require('./helpers');
const fs = require('node:fs');
const path = require('node:path');

test('util.inspect of a result with credentials prints them redacted; the values stay readable', async () => {
  const { user, mailboxes } = await provisioned(env, 'cred-example.com', ['a']);
  const admin = await env.client.mailboxes.adminDetails({ userId: user.id, mailboxId: mailboxes[0].mailboxId });
  assert.equal(typeof admin.password, 'string');
  assert.ok(admin.password.length > 0);
  const shown = util.inspect(admin, { depth: 5 });
  assert.ok(!shown.includes(admin.password), shown);
  assert.match(shown, /password: '<redacted>'/);
  assert.ok(shown.includes(admin.mailboxId), 'the other fields still print');
  assert.ok(!util.format('%o', admin).includes(admin.password));
  assert.ok(!util.inspect([admin], { depth: 5 }).includes(admin.password), 'nested too');
  // The data is untouched: keys, JSON and values.
  assert.ok(JSON.stringify(admin).includes(admin.password));
  assert.ok(Object.keys(admin).includes('password'));
  assert.deepEqual(Object.keys(admin).filter((k) => typeof k !== 'string'), []);
});

test('a result without credentials prints as a plain object', async () => {
  const w = await env.client.wallet.get();
  assert.equal(Object.getOwnPropertySymbols(w).length, 0);
  assert.equal(util.inspect(w), util.inspect({ ...w }));
});

test('a webhook event with credentials prints them redacted, in data and in raw', () => {
  const body = JSON.stringify({
    event: 'mailbox.created',
    eventId: 'EVT1',
    data: { mailboxId: 'mbx_1', email: 'a@b.co', password: 'pw-in-event-1', appPassword: 'app-pw-2', authenticatorSecret: 'totp-3' },
  });
  const ev = webhooks.parse(body);
  assert.equal(ev.data.password, 'pw-in-event-1');
  const shown = util.inspect(ev, { depth: 10 });
  for (const s of ['pw-in-event-1', 'app-pw-2', 'totp-3']) assert.ok(!shown.includes(s), shown);
  assert.ok(shown.includes('a@b.co'));
});

test('every credential field of the spec (x-secret) is redacted', () => {
  const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'spec', 'openapi.json'), 'utf8'));
  const secret = new Set();
  for (const s of Object.values(spec.components.schemas)) {
    for (const [k, p] of Object.entries(s.properties ?? {})) if (p['x-secret']) secret.add(k);
  }
  assert.ok(secret.size >= 3);
  const data = { mailboxId: 'mbx_1', email: 'a@b.co' };
  for (const k of secret) data[k] = `value-of-${k}`;
  const ev = webhooks.parse(JSON.stringify({ event: 'mailbox.created', eventId: 'E', data }));
  const shown = util.inspect(ev, { depth: 10 });
  for (const k of secret) assert.ok(!shown.includes(`value-of-${k}`), `${k}: ${shown}`);
});
