'use strict';
// Pagination: await gives the first page, for await walks every item of every page.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Page, PagePromise, ServerError } = require('coldmailreseller');
const { useSandbox, newUser } = require('./helpers');

const env = useSandbox();

async function users(n) {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push((await env.client.users.create(newUser(`page${i}@acme.com`))).id);
  return ids;
}

test('await list() is the first page; pages chain to the last', async () => {
  const ids = await users(23);
  const p = env.client.users.list({ limit: 10 });
  assert.ok(p instanceof PagePromise);
  const first = await p;
  assert.ok(first instanceof Page);
  assert.equal(first.items.length, 10);
  assert.equal(first.currentPage, 1);
  assert.equal(first.nextPage, 2);
  assert.equal(first.totalCount, 23);
  assert.ok(first.hasNextPage());
  const second = await first.getNextPage();
  assert.equal(second.currentPage, 2);
  const third = await second.getNextPage();
  assert.equal(third.items.length, 3);
  assert.equal(third.nextPage, null);
  assert.equal(third.hasNextPage(), false);
  assert.equal(await third.getNextPage(), null);
  const seen = [...first.items, ...second.items, ...third.items].map((u) => u.id);
  assert.deepEqual([...seen].sort(), [...ids].sort());
});

test('for await walks every item of every page, once', async () => {
  const ids = await users(23);
  const seen = [];
  for await (const u of env.client.users.list({ limit: 10 })) seen.push(u.id);
  assert.equal(seen.length, 23);
  assert.deepEqual([...seen].sort(), [...ids].sort());
  const pages = [];
  for await (const page of (await env.client.users.list({ limit: 10 })).iterPages()) pages.push(page.currentPage);
  assert.deepEqual(pages, [1, 2, 3]);
  const listPages = (await env.sb.requests()).filter((r) => r.path === '/users/list');
  assert.equal(listPages.length, 6, 'three requests per walk');
});

test('starting at a given page, and the other paginated lists', async () => {
  await users(12);
  const last = await env.client.users.list({ limit: 5, page: 3 });
  assert.equal(last.currentPage, 3);
  assert.equal(last.items.length, 2);
  assert.equal(last.nextPage, null);
  let n = 0;
  for await (const _ of env.client.prewarmup.list({ limit: 2 })) n++;
  assert.ok(n > 2, `prewarmup items: ${n}`);
  const subs = await env.client.subscriptions.list();
  assert.ok(Array.isArray(subs.items));
  const mbs = await env.client.mailboxes.listAll({ limit: 1 });
  assert.ok(Array.isArray(mbs.items));
});

test('a failing page rejects the iteration with its CmrError', async () => {
  await users(3);
  await env.sb.injectFault({ path: '/users/list', count: 1, kind: 'status', status: 503 });
  const it = async () => {
    for await (const _ of env.client.users.list({ limit: 2 })) {
      /* drain */
    }
  };
  await assert.rejects(it(), ServerError);
});

test('nothing is sent until the PagePromise is awaited or iterated', async () => {
  const before = (await env.sb.requests()).length;
  const p = env.client.users.list();
  assert.equal((await env.sb.requests()).length, before);
  await p;
  assert.equal((await env.sb.requests()).length, before + 1);
});
