'use strict';
// Both module systems load the package, and share one copy of each class.
const { test } = require('node:test');
const assert = require('node:assert/strict');

test('require("coldmailreseller") and require("coldmailreseller/testing")', () => {
  const cmr = require('coldmailreseller');
  for (const name of ['Client', 'CmrError', 'NotFoundError', 'RateLimitError', 'webhooks', 'PagePromise', 'operations']) {
    assert.ok(cmr[name], name);
  }
  assert.equal(typeof require('coldmailreseller/testing').startSandbox, 'function');
  assert.match(cmr.VERSION, /^\d+\.\d+\.\d+/);
});

test('import("coldmailreseller") and import("coldmailreseller/testing")', async () => {
  const esm = await import('coldmailreseller');
  const cjs = require('coldmailreseller');
  assert.equal(esm.Client, cjs.Client, 'one copy of every class');
  assert.equal(esm.NotFoundError, cjs.NotFoundError);
  assert.equal(esm.default, cjs);
  const testing = await import('coldmailreseller/testing');
  assert.equal(typeof testing.startSandbox, 'function');
  const sb = await testing.startSandbox();
  try {
    const c = sb.client();
    assert.ok(c instanceof esm.Client);
    assert.equal(typeof (await c.wallet.get()).balance, 'number');
  } finally {
    await sb.stop();
  }
});

test('every ESM named export exists in the CommonJS build and vice versa', async () => {
  const esm = await import('coldmailreseller');
  const cjs = require('coldmailreseller');
  const named = Object.keys(esm).filter((k) => k !== 'default').sort();
  assert.deepEqual(named, Object.keys(cjs).filter((k) => k !== '__esModule').sort());
});
