'use strict';
// Retries: a POST is never repeated once the server may have acted; a GET is.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { ServerError } = require('coldmailreseller');
const { useSandbox, newUser, hits } = require('./helpers');

const env = useSandbox();

test('a POST answered 500 is not retried', async () => {
  const client = env.sb.client({ maxRetries: 3, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });
  await env.sb.injectFault({ method: 'POST', path: '/users', count: 1, kind: 'status', status: 500 });
  const err = await client.users.create(newUser()).catch((e) => e);
  assert.ok(err instanceof ServerError, String(err));
  assert.equal(err.status, 500);
  assert.equal(err.method, 'POST');
  assert.equal(err.mayHaveBeenSent, true);
  assert.equal(await hits(env.sb, 'POST', '/users'), 1, 'exactly one POST reached the server');
});

test('a GET answered 503 is retried and succeeds', async () => {
  const client = env.sb.client({ maxRetries: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });
  await env.sb.injectFault({ path: '/wallet', count: 2, kind: 'status', status: 503 });
  const w = await client.wallet.get();
  assert.equal(typeof w.balance, 'number');
  assert.equal(await hits(env.sb, 'GET', '/wallet'), 3);
});

test('maxRetries: 0 sends a GET once', async () => {
  await env.sb.injectFault({ path: '/wallet', count: 1, kind: 'status', status: 503 });
  await assert.rejects(env.client.wallet.get(), ServerError);
  assert.equal(await hits(env.sb, 'GET', '/wallet'), 1);
});
