'use strict';
// Bulk helpers (dns.addMany, mailboxes.updateAll) and dns.find, against the sandbox.
const test = require('node:test');
const assert = require('node:assert/strict');
const { useSandbox, hits } = require('./helpers');

const env = useSandbox();

test('dns.addMany batches per domain and reports each record at its position', async () => {
  const s = await env.sb.seed();
  const records = Array.from({ length: 7 }, (_, i) => ({ domain: s.domain, host: `h${i}`, value: `v${i}`, recordType: 'TXT' }));
  records.splice(3, 0, { domain: s.domain, host: '', value: 'x', recordType: 'TXT' });
  const before = await hits(env.sb, 'POST', '/dns');
  const r = await env.client.dns.addMany({ userId: s.userId, records, batchSize: 3 });
  assert.deepEqual([r.succeeded, r.failed, r.maybeApplied], [7, 1, 0]);
  assert.equal((await hits(env.sb, 'POST', '/dns')) - before, 3);
  assert.deepEqual(r.items.map((i) => i.index), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(r.items[3].status, 'failed');
  assert.match(r.items[3].message, /host/);
  const found = await env.client.dns.find({ userId: s.userId, domain: s.domain, recordType: 'TXT', host: 'h0', value: 'v0' });
  assert.equal(found.recordId, r.items[0].id);
  assert.equal(await env.client.dns.find({ userId: s.userId, domain: s.domain, recordType: 'TXT', host: 'h0', value: 'no' }), null);
});

test('a lost dns batch is looked up, never sent again', async () => {
  const s = await env.sb.seed();
  await env.sb.injectFault({ method: 'POST', path: '/dns', kind: 'drop' });
  const r = await env.client.dns.addMany({ userId: s.userId, records: [{ domain: s.domain, host: 'l', value: '1', recordType: 'TXT' }] });
  assert.equal(r.items[0].status, 'maybe_applied');
  assert.equal(await hits(env.sb, 'POST', '/dns'), 1);
});

test('mailboxes.updateAll maps per-item results back to the changes', async () => {
  const s = await env.sb.seed();
  const r = await env.client.mailboxes.updateAll({
    userId: s.userId,
    changes: [
      { mailboxId: s.mailboxIds[0], firstName: 'Ann' },
      { mailboxId: 'NOSUCH', firstName: 'X' },
    ],
  });
  assert.deepEqual(r.items.map((i) => i.status), ['succeeded', 'failed']);
  assert.ok(r.items[1].message);
  assert.equal(r.requests, 1);
  const m = await env.client.mailboxes.get({ mailboxId: s.mailboxIds[0], userId: s.userId });
  assert.equal(m.firstName, 'Ann');
});

test('bulk helpers pace themselves at the limit without a 429', async () => {
  await env.sb.configure({ rateLimit: 5 });
  try {
    const s = await env.sb.seed();
    const records = Array.from({ length: 8 }, (_, i) => ({ domain: s.domain, host: `p${i}`, value: 'v', recordType: 'TXT' }));
    const r = await env.client.dns.addMany({ userId: s.userId, records, batchSize: 1 });
    assert.equal(r.succeeded, 8);
    assert.equal((await env.sb.requests()).filter((x) => x.status === 429).length, 0);
  } finally {
    await env.sb.configure({ rateLimit: null });
  }
});
