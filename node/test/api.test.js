'use strict';
// Every resource and method of the route table, against the sandbox.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { operations, NotFoundError, ValidationError, CmrError } = require('coldmailreseller');
const { useSandbox, newUser, order, provisioned, google, hits } = require('./helpers');

const env = useSandbox();

function camel(s) {
  return s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

test('every operation of the route table is a method of the client', () => {
  const ops = operations();
  assert.ok(ops.length >= 50, `only ${ops.length} operations`);
  for (const { op } of ops) {
    const parts = op.split('.');
    const fn = parts.length === 1 ? env.client[camel(parts[0])] : env.client[parts[0]]?.[camel(parts[1])];
    assert.equal(typeof fn, 'function', `client.${parts.map(camel).join('.')} for ${op}`);
  }
});

test('users: create, get, update, list, delete', async () => {
  const c = env.client;
  const u = await c.users.create(newUser('ann@acme.com'));
  assert.match(u.id, /^[A-Z0-9]+$/);
  assert.equal(u.email, 'ann@acme.com');
  assert.equal((await c.users.get({ userId: u.id })).firstName, 'Jane');
  const ack = await c.users.update({ userId: u.id, city: 'Dallas' });
  assert.equal(typeof ack.message, 'string');
  assert.equal((await c.users.get({ userId: u.id })).city, 'Dallas');
  const page = await c.users.list();
  assert.ok(page.items.some((x) => x.id === u.id));
  await c.users.delete({ userId: u.id });
  await assert.rejects(c.users.get({ userId: u.id }), NotFoundError);
});

test('geo: countries and states', async () => {
  const countries = await env.client.geo.countries();
  assert.ok(countries.some((x) => x.code === 'US'));
  const states = await env.client.geo.states({ countryCode: 'us' });
  assert.ok(states.length > 0 && typeof states[0].name === 'string');
  await assert.rejects(env.client.geo.states({ countryCode: 'USA' }), ValidationError);
});

test('orders: create, status, process, get, multipart, wallet', async () => {
  const c = env.client;
  const user = await c.users.create(newUser());
  const o = { ...order('later-example.com', ['ann']), confirm: false };
  const created = await c.orders.create({ userId: user.id, ...o });
  assert.ok(created.orderId);
  assert.deepEqual(created.unavailableDomains, []);
  const st = await c.orders.status({ userId: user.id, orderId: created.orderId });
  assert.equal(st.orderId, created.orderId);
  await c.orders.process({ userId: user.id, orderId: created.orderId });
  const details = await c.orders.get({ userId: user.id, orderId: created.orderId });
  assert.equal(details.orderId, created.orderId);
  assert.equal(details.domains[0].domain, 'later-example.com');

  const mp = await c.orders.createMultipart({
    userId: user.id,
    ...order('pic-example.com', ['ann']),
    files: [{ key: 'ann@pic-example.com', fileName: 'ann.png', contentType: 'image/png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }],
  });
  assert.match(mp.actionId, /^ACT_/);
  assert.equal(await hits(env.sb, 'POST', '/orders'), 1);

  const w = await c.wallet.get();
  assert.equal(typeof w.balance, 'number');
  assert.ok(w.balance < 1000, 'orders were charged');
});

test('orders: orderMailboxes and the deprecated addMailboxesToSubscription', async () => {
  const { user, sub } = await provisioned(env, 'more-example.com', ['a']);
  const mailboxes = { 'more-example.com': [{ username: 'b', firstName: 'B', lastName: 'B' }] };
  await assert.rejects(env.client.orders.orderMailboxes({ userId: user.id, mailboxes }), ValidationError);
  const ok = await env.client.orders.orderMailboxes({ userId: user.id, subscriptionId: sub.subscriptionId, mailboxes, confirm: true, google: google() });
  assert.match(ok.actionId ?? '', /^ACT_/);
  await env.sb.advance(60);
  assert.equal((await env.client.mailboxes.list({ userId: user.id })).length, 2);
  const more = { 'more-example.com': [{ username: 'c', firstName: 'C', lastName: 'C' }] };
  const r = await env.client.orders.addMailboxesToSubscription({ userId: user.id, subscriptionId: sub.subscriptionId, mailboxes: more, confirm: true });
  assert.equal(typeof r.message, 'string');
});

test('mailboxes: get, adminDetails, update, updateMany, listAll, remove', async () => {
  const c = env.client;
  const { user, mailboxes: mbs } = await provisioned(env, 'mb-example.com', ['a', 'b']);
  assert.equal(mbs.length, 2);
  assert.ok(mbs.every((m) => m.status === 'ACTIVE'));
  const id = mbs[0].mailboxId;
  const one = await c.mailboxes.get({ mailboxId: id, userId: user.id });
  assert.ok(one.email.endsWith('@mb-example.com'));
  const admin = await c.mailboxes.adminDetails({ userId: user.id, mailboxId: id });
  assert.equal(admin.mailboxId, id);
  const upd = await c.mailboxes.update({ userId: user.id, mailboxId: id, firstName: 'Zoe' });
  assert.match(upd.actionId, /^ACT_/);
  await env.sb.advance(10);
  assert.equal((await c.mailboxes.get({ mailboxId: id })).firstName, 'Zoe');
  const many = await c.mailboxes.updateMany({
    userId: user.id,
    mailboxData: [
      { mailboxId: mbs[1].mailboxId, lastName: 'Roe' },
      { mailboxId: 'NOSUCHMAILBOX000000000000000', lastName: 'X' },
    ],
  });
  assert.deepEqual(many.results.map((r) => r.success), [true, false]);
  const all = await c.mailboxes.listAll();
  assert.ok(all.items.length >= 2);
  await c.mailboxes.remove({ userId: user.id, mailboxId: id });
  await env.sb.advance(10);
  assert.equal((await c.mailboxes.list({ userId: user.id })).length, 1);
});

test('dns: add, list, update, delete', async () => {
  const c = env.client;
  const { user } = await provisioned(env, 'dns-example.com', ['a']);
  const added = await c.dns.add({
    userId: user.id,
    domain: 'dns-example.com',
    records: [
      { host: 'mail', value: '192.0.2.10', recordType: 'A' },
      { host: '_dmarc', value: 'v=DMARC1; p=none', recordType: 'TXT', excludedDMARCtags: ['rua', 'ruf'] },
    ],
  });
  assert.equal(added.length, 2);
  const a = added.find((r) => r.recordType === 'A');
  await c.dns.update({ userId: user.id, recordId: a.recordId, domain: 'dns-example.com', host: 'mail', value: '192.0.2.11', recordType: 'A' });
  let listed = await c.dns.list({ userId: user.id, domain: 'dns-example.com' });
  assert.equal(listed.records.find((r) => r.recordId === a.recordId).value, '192.0.2.11');
  await c.dns.delete({ userId: user.id, recordId: a.recordId });
  listed = await c.dns.list({ userId: user.id, domain: 'dns-example.com' });
  assert.ok(!listed.records.some((r) => r.recordId === a.recordId));
  await assert.rejects(c.dns.add({ userId: user.id, domain: 'dns-example.com', records: [{ host: 'x', value: 'y', recordType: 'A', excludedDMARCtags: ['rua'] }] }), ValidationError);
});

test('domains: list, suggest, availability, workspace, forwarding, client id, remove', async () => {
  const c = env.client;
  const { user } = await provisioned(env, 'dom-example.com', ['a']);
  const domains = await c.domains.list({ userId: user.id });
  assert.equal(domains[0].domainName, 'dom-example.com');
  assert.equal(domains[0].status, 'ACTIVE');
  const sugg = await c.domains.suggest({ userId: user.id, query: 'acme' });
  assert.ok(sugg.length > 0 && typeof sugg[0].domain === 'string');
  assert.equal((await c.domains.checkAvailability({ userId: user.id, domain: 'dom-example.com' })).available, false);
  assert.equal((await c.domains.checkAvailability({ userId: user.id, domain: 'brand-new-name-1234.com' })).available, true);
  const ws = await c.domains.checkWorkspace({ userId: user.id, domain: 'dom-example.com', serviceProvider: 'GOOGLE' });
  assert.equal(ws.exists, true);
  await c.domains.addForwarding({ userId: user.id, domain: 'dom-example.com', forwardTo: 'https://acme.com' });
  await c.domains.addEmailForwarding({ userId: user.id, domain: 'dom-example.com', forwardTo: 'inbox@acme.com' });
  await c.domains.addGoogleClientId({ userId: user.id, domain: 'dom-example.com', clientId: 'cid' });
  const err = await c.domains.remove({ userId: user.id, domains: ['dom-example.com'] }).catch((e) => e);
  assert.ok(err instanceof CmrError && ['validation', 'conflict'].includes(err.code), String(err));
});

test('domains: renewalPrice, renew, toggleAutoRenew', async () => {
  const c = env.client;
  const { user } = await provisioned(env, 'renew-example.com', ['a']);
  const req = { userId: user.id, domains: ['renew-example.com'], years: 1 };
  let prices = await c.domains.renewalPrice(req);
  assert.ok(prices[0].error, 'outside the renewal window');
  await env.sb.advance(330 * 86400);
  prices = await c.domains.renewalPrice(req);
  assert.equal(prices[0].error, null);
  assert.ok(prices[0].renewalPrice);
  const renewed = await c.domains.renew(req);
  assert.ok(renewed.message.length > 0);
  const toggled = await c.domains.toggleAutoRenew({ userId: user.id, autoRenew: true });
  assert.ok(toggled.length > 0 && toggled.every((d) => d.autoRenew === true));
});

test('subscriptions: renew, toggleAutoRenew, recreate, cancel, list by status', async () => {
  const c = env.client;
  const { sub } = await provisioned(env, 'sub-example.com', ['a']);
  assert.equal(sub.subscriptionStatus, 'ACTIVE');
  const ack = await c.subscriptions.renew({ subscriptionIds: [sub.subscriptionId] });
  assert.match(ack.actionId, /^ACT_/);
  await c.subscriptions.toggleAutoRenew({ subscriptionIds: [sub.subscriptionId], autoRenew: false });
  await c.subscriptions.recreate({ domainNames: ['sub-example.com'] });
  await assert.rejects(c.subscriptions.cancel({}), ValidationError);
  await c.subscriptions.cancel({ domain: 'sub-example.com' });
  await env.sb.advance(10);
  const page = await c.subscriptions.list({ status: 'CANCELLED' });
  assert.ok(page.items.some((s) => s.domain === 'sub-example.com'));
});

test('exports: credentials, export, reexport', async () => {
  const c = env.client;
  const { user, mailboxes: mbs } = await provisioned(env, 'exp-example.com', ['a']);
  const add = {
    userId: user.id,
    app: 'EMAILBISON',
    credentials: { email: 'john@agency.com', password: 'secret-pass' },
    metadata: { appBaseUrl: 'https://app.emailbison.com', clientId: 'client_eb', appName: 'EmailBison', workspace: 'ws' },
  };
  const c1 = await c.exports.addCredential(add);
  const c2 = await c.exports.addCredential(add);
  assert.notEqual(c1.credentialId, c2.credentialId);
  const list = await c.exports.listCredentials({ userId: user.id });
  const eb = list.find((p) => p.app === 'EMAILBISON');
  assert.equal(eb.connected, true);
  assert.equal(eb.credentials.length, 2);
  await c.exports.exportMailboxes({ userId: user.id, credentialId: c1.credentialId, componentMailboxIds: [mbs[0].mailboxId] });
  await c.exports.reexport({ userId: user.id, mailboxId: mbs[0].mailboxId });
  await c.exports.removeCredential({ userId: user.id, credentialId: c1.credentialId });
  await assert.rejects(c.exports.removeCredential({ userId: user.id, credentialId: c1.credentialId }), NotFoundError);
});

test('prewarmup: list, order, sandboxList, sandboxOrder, sandboxReset', async () => {
  const c = env.client;
  const user = await c.users.create(newUser());
  const page = await c.prewarmup.list();
  assert.ok(page.items.length > 0);
  const first = page.items[0];
  const sp = first.serviceProvider ?? 'GOOGLE';
  const o = { userId: user.id, order: [{ domain: first.domain }], serviceProvider: sp };
  if (sp === 'GOOGLE') o.google = google();
  else o.microsoftOauthRoute = 'https://app.example.com/oauth/ms';
  const created = await c.prewarmup.order(o);
  assert.equal(typeof created.message, 'string');
  const sbl = await c.prewarmup.sandboxList();
  assert.ok(sbl.some((d) => d.domain === 'sandbox.nexora-tech.com'));
  const sbo = await c.prewarmup.sandboxOrder({
    userId: user.id,
    order: [{ domain: 'sandbox.nexora-tech.com' }, { domain: 'mail-sandbox.brightplathlabs.com' }],
    serviceProvider: 'GOOGLE',
    google: google(),
    scenario: 'partial_failure',
  });
  assert.equal(typeof sbo.message, 'string');
  await env.sb.advance(60);
  const events = (await env.sb.webhooks()).map((h) => h.event);
  assert.ok(events.includes('prewarmup.order.success') && events.includes('prewarmup.order.failed'), String(events));
  await c.prewarmup.sandboxReset();
});

test('sendError and the raw request escape hatch', async () => {
  const c = env.client;
  const ack = await c.sendError({ message: 'webhook never arrived', actionId: 'ACT_1' });
  assert.equal(typeof ack.message, 'string');
  const env1 = await c.request('GET', '/wallet');
  assert.equal(env1.status, 200);
  assert.equal(typeof env1.data.balance, 'number');
  const u = await c.users.create(newUser());
  const env2 = await c.request('GET', '/users', { query: { userId: u.id } });
  assert.equal(env2.data.email, u.email);
  await assert.rejects(c.request('GET', '/users', { query: { userId: 'NOSUCHUSER000000000000000000' } }), NotFoundError);
});

test('withOptions and per-call options reach the core', async () => {
  const slow = env.client.withOptions({ timeoutMs: 100 });
  await env.sb.injectFault({ path: '/wallet', kind: 'delay', delayMs: 1500 });
  const { TimeoutError } = require('coldmailreseller');
  await assert.rejects(slow.wallet.get(), TimeoutError);
  await env.sb.injectFault({ path: '/wallet', kind: 'delay', delayMs: 1500 });
  await assert.rejects(env.client.wallet.get({ timeoutMs: 100 }), TimeoutError);
  assert.equal(typeof (await env.client.wallet.get()).balance, 'number');
});
