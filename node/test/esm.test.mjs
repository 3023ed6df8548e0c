// The package through ESM `import` only (no require): a user's round trip,
// typed errors, pagination, retries' options and webhooks. Run against the
// installed package by scripts/test-node.sh, next to the CommonJS suite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { Client, CmrError, NotFoundError, ValidationError, webhooks, VERSION } from 'coldmailreseller';
import { startSandbox } from 'coldmailreseller/testing';

let sb;
let client;
before(async () => {
  sb = await startSandbox();
  client = sb.client({ maxRetries: 0 });
});
after(async () => {
  await sb.stop();
});

const user = (email) => ({
  email,
  company: 'Acme Inc.',
  firstName: 'Jane',
  lastName: 'Doe',
  country: 'US',
  city: 'Austin',
  addressLineOne: '1 Main Street',
  languagePreference: 'en',
  postalCode: '73301',
  state: 'TX',
  phoneCc: '1',
  phone: '5125550100',
});

test('ESM: create, get, list and delete a user', async () => {
  assert.match(VERSION, /^\d+\.\d+\.\d+/);
  assert.ok(client instanceof Client);
  const created = await client.users.create(user('esm@acme.com'));
  assert.equal(created.email, 'esm@acme.com');
  const got = await client.users.get({ userId: created.id });
  assert.equal(got.id, created.id);
  assert.equal(got.firstName, 'Jane');
  const emails = [];
  for await (const u of client.users.list({ limit: 1 })) emails.push(u.email);
  assert.ok(emails.includes('esm@acme.com'));
  await client.users.delete({ userId: created.id });
  await assert.rejects(client.users.get({ userId: created.id }), (e) => {
    assert.ok(e instanceof NotFoundError && e instanceof CmrError);
    assert.equal(e.status, 404);
    return true;
  });
});

test('ESM: bad input is a ValidationError before anything is sent', async () => {
  const before = (await sb.requests()).length;
  await assert.rejects(client.users.get({ userId: '' }), ValidationError);
  assert.throws(() => new Client({ apiKey: 'k', baseUrl: sb.baseUrl, maxRetries: -1 }), ValidationError);
  assert.equal((await sb.requests()).length, before);
});

test('ESM: webhooks sign, verify and parse', () => {
  const body = JSON.stringify({ event: 'order.completed', eventId: 'ev_esm', data: { orderId: 'o1' } });
  const headers = webhooks.sign(body, 'whsec');
  const ev = webhooks.constructEvent(body, headers, 'whsec');
  assert.equal(ev.event, 'order.completed');
  assert.equal(ev.eventId, 'ev_esm');
  assert.throws(() => webhooks.constructEvent(body, headers, 'other'), CmrError);
});
