'use strict';
// The order lifecycle of tests/scenarios/lifecycle.json on the virtual clock.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { webhooks } = require('coldmailreseller');
const { useSandbox, scenario, newUser } = require('./helpers');

const env = useSandbox();
const life = scenario('lifecycle.json');

test('order lifecycle: events and mailbox states after each clock step', async () => {
  const c = env.client;
  const user = await c.users.create(newUser());
  const created = await c.orders.create({ userId: user.id, ...life.order });
  assert.ok(created.orderId);
  const expected = [];
  for (const step of life.steps) {
    await env.sb.advance(step.advanceSeconds);
    expected.push(...step.events);
    const emitted = await env.sb.webhooks();
    assert.deepEqual(emitted.map((h) => h.event), expected, `after +${step.advanceSeconds}s`);
    const mbs = await c.mailboxes.list({ userId: user.id });
    if (step.mailboxStatus === null) {
      assert.ok(mbs.length === 0 || mbs.every((m) => m.status === null), JSON.stringify(mbs));
    } else {
      assert.equal(mbs.length, 2);
      assert.ok(mbs.every((m) => m.status === step.mailboxStatus), JSON.stringify(mbs.map((m) => m.status)));
    }
  }
  const emitted = await env.sb.webhooks();
  for (const h of emitted) {
    // Undelivered events (no webhook URL here) are recorded unsigned: parse the
    // raw body; signed deliveries are verified in webhooks.test.js.
    const ev = webhooks.parse(h.body);
    assert.notEqual(ev.type, 'unknown');
    assert.ok(ev.eventId);
  }
  const st = await c.orders.status({ userId: user.id, orderId: created.orderId });
  assert.equal(st.status, 'COMPLETED');
  const [domain] = await c.domains.list({ userId: user.id });
  assert.equal(domain.status, 'ACTIVE');
});
