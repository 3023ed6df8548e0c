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

test('a second copy of the native addon loads and works next to the first (two package copies in one process)', async () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const { startSandbox } = require('coldmailreseller/testing');
  const nativeDir = path.join(path.dirname(require.resolve('coldmailreseller/package.json')), 'native');
  const addon = fs.readdirSync(nativeDir).find((f) => f.endsWith('.node'));
  assert.ok(addon, `no .node file in ${nativeDir}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmr-addon-'));
  const copy = path.join(dir, addon);
  fs.copyFileSync(path.join(nativeDir, addon), copy);
  // A separate dlopen of the same library: its allocator and thread-locals
  // must not need static TLS space the first copy already took.
  const second = { exports: {} };
  process.dlopen(second, copy);
  assert.equal(typeof second.exports.NativeClient, 'function');
  const sb = await startSandbox();
  try {
    // The raw addon does not keep the process alive while a call is in
    // flight (the TypeScript layer's timer does): this test's timer does.
    const alive = setInterval(() => undefined, 1000);
    const out = await new Promise((resolve, reject) => {
      const c = new second.exports.NativeClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl }, (batch) => {
        const [[, ok, v]] = JSON.parse(batch);
        (ok ? resolve : reject)(v);
      });
      c.start(1, 'wallet.get', '{}');
    }).finally(() => clearInterval(alive));
    assert.equal(typeof out.balance, 'number');
  } finally {
    await sb.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
