'use strict';
// How calls run (bindings/node/src/jsloop.rs): on Linux, on the JavaScript
// thread, driven by Node's event loop; CMR_NODE_DRIVER=threads (and other
// systems) use the addon's worker threads. Both must behave the same, timers
// (timeouts, retry back-off) must fire under the loop although libuv does not
// know tokio's deadlines, and a worker thread that used a client must exit
// cleanly (its loop's handles closed, its runtime and connections gone).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { Worker } = require('node:worker_threads');
const { TimeoutError, ServerError } = require('coldmailreseller');
const { eventLoopDriver } = require('coldmailreseller/testing');
const { useSandbox, newUser } = require('./helpers');

const env = useSandbox();

/** Run `code` in a fresh node process (this package resolvable, the default driver unless
 * `extraEnv` sets one), return its stdout. */
function node(code, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', code], { cwd: __dirname, env: { ...process.env, CMR_NODE_DRIVER: '', ...extraEnv }, timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

const ROUND_TRIP = `
  const { startSandbox, eventLoopDriver } = require('coldmailreseller/testing');
  (async () => {
    const sb = await startSandbox();
    const c = sb.client({ maxRetries: 0 });
    const u = await c.users.create({ email: 'drv@acme.com', company: 'A', firstName: 'J', lastName: 'D', country: 'US',
      city: 'Austin', state: 'TX', addressLineOne: '1 Main St', postalCode: '73301', languagePreference: 'en', phoneCc: '1', phone: '5125550100' });
    const got = await Promise.all(Array.from({ length: 20 }, () => c.users.get({ userId: u.id })));
    await sb.stop();
    console.log(eventLoopDriver() + ' ' + got.filter((g) => g.id === u.id).length);
  })().catch((e) => { console.error(e); process.exit(1); });
`;

test('on Linux calls run on the JavaScript thread; CMR_NODE_DRIVER=threads opts out; both give the same results', async () => {
  // This process follows the environment it was started with; the children below set theirs.
  const here = process.platform === 'linux' && process.env.CMR_NODE_DRIVER !== 'threads' ? 'loop' : 'threads';
  assert.equal(eventLoopDriver(), here);
  const expected = process.platform === 'linux' ? 'loop 20' : 'threads 20';
  assert.equal(await node(ROUND_TRIP, { CMR_NODE_DRIVER: '' }), expected);
  assert.equal(await node(ROUND_TRIP, { CMR_NODE_DRIVER: 'threads' }), 'threads 20');
});

test('timeouts and retry back-off fire while the loop has nothing else to do', async () => {
  const u = await env.client.users.create(newUser('timers@acme.com'));
  // A delayed answer: only tokio's timer can end the call.
  await env.sb.injectFault({ method: 'GET', path: '/users', kind: 'delay', delayMs: 2000, count: 1 });
  const t0 = Date.now();
  await assert.rejects(env.client.withOptions({ timeoutMs: 150 }).users.get({ userId: u.id }), TimeoutError);
  const took = Date.now() - t0;
  assert.ok(took < 1500, `the 150 ms timeout fired after ${took} ms`);

  // Two 503s, then the answer: two back-off sleeps on the loop.
  await env.sb.injectFault({ method: 'GET', path: '/users', kind: 'status', status: 503, count: 2 });
  const c = env.sb.client({ maxRetries: 2, retryBaseDelayMs: 20, retryMaxDelayMs: 40 });
  const got = await c.users.get({ userId: u.id });
  assert.equal(got.id, u.id);
  await env.sb.injectFault({ method: 'GET', path: '/users', kind: 'status', status: 503, count: 1 });
  await assert.rejects(env.sb.client({ maxRetries: 0 }).users.get({ userId: u.id }), ServerError);
});

test('a worker thread that made calls exits cleanly, and so does the process', async () => {
  const out = await node(`
    const { Worker } = require('node:worker_threads');
    const w = new Worker(${JSON.stringify(ROUND_TRIP)}, { eval: true, stdout: true });
    let text = '';
    w.stdout.on('data', (d) => { text += d; });
    w.on('exit', (code) => console.log('worker exit ' + code + ': ' + text.trim()));
  `);
  const expected = process.platform === 'linux' ? 'loop 20' : 'threads 20';
  assert.equal(out, `worker exit 0: ${expected}`);
});

test('a worker thread terminated with calls in flight does not take the process down', async () => {
  const w = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const { Client } = require('coldmailreseller');
    const c = new Client({ apiKey: workerData.key, baseUrl: workerData.url, maxRetries: 0 });
    for (let i = 0; i < 50; i++) c.users.get({ userId: 'U' + i }).catch(() => {});
    parentPort.postMessage('started');
    `,
    { eval: true, workerData: { key: env.sb.apiKey, url: env.sb.baseUrl } },
  );
  await new Promise((resolve) => w.once('message', resolve));
  assert.equal(await w.terminate(), 1);
  // This thread's calls still work.
  const u = await env.client.users.create(newUser('after-worker@acme.com'));
  assert.equal((await env.client.users.get({ userId: u.id })).id, u.id);
});

test('worker threads that come and go leave no descriptors behind (runtime, pool, sockets)', async () => {
  const run = () =>
    new Promise((resolve, reject) => {
      const w = new Worker(
        `
        const { parentPort, workerData } = require('node:worker_threads');
        const { Client } = require('coldmailreseller');
        const c = new Client({ apiKey: workerData.key, baseUrl: workerData.url, maxRetries: 0 });
        Promise.all(Array.from({ length: 4 }, (_, i) => c.users.get({ userId: 'U' + i }).catch((e) => e.code)))
          .then((codes) => parentPort.postMessage(codes.join(',')));
        `,
        { eval: true, workerData: { key: env.sb.apiKey, url: env.sb.baseUrl } },
      );
      w.once('message', (m) => {
        assert.equal(m, 'not_found,not_found,not_found,not_found');
        w.once('exit', resolve);
      });
      w.once('error', reject);
    });
  const fds = () => require('node:fs').readdirSync('/proc/self/fd').length;
  if (process.platform !== 'linux') return;
  await run();
  const before = fds();
  for (let i = 0; i < 10; i++) await run();
  // Each worker had its own runtime (epoll + eventfd) and up to 4 connections: kept, that
  // would be 60 descriptors or more; a few may still be closing.
  assert.ok(fds() - before < 10, `descriptors grew from ${before} to ${fds()} over 10 workers`);
});

// The outcome of the last call in flight is handed to JavaScript from inside the loop's drive
// (jsloop.rs, `flush_now`), so that a caller making one call at a time starts its next call in
// the same drive. Whatever a reaction does there must work as anywhere else: start calls (one
// or many), exit a worker thread, exit the process.
test('a reaction to the last call in flight may start calls, end its worker or exit the process', async () => {
  const u = await env.client.users.create(newUser('reactions@acme.com'));
  const c = env.sb.client({ maxRetries: 0 });
  // A chain: every call starts from the reaction to the previous one, some fan out.
  let chained = 0;
  for (let i = 0; i < 60; i++) {
    const got = await c.users.get({ userId: u.id });
    assert.equal(got.id, u.id);
    chained++;
    if (i % 20 === 0) {
      const many = await Promise.all(Array.from({ length: 5 }, () => c.users.get({ userId: u.id })));
      assert.deepEqual(many.map((m) => m.id), Array(5).fill(u.id));
    }
  }
  assert.equal(chained, 60);

  // A worker thread that exits from the reaction; this thread's calls still work after it.
  const w = new Worker(
    `
    const { workerData } = require('node:worker_threads');
    const { Client } = require('coldmailreseller');
    const c = new Client({ apiKey: workerData.key, baseUrl: workerData.url, maxRetries: 0 });
    c.users.get({ userId: workerData.id }).then((u) => process.exit(u.id === workerData.id ? 7 : 1));
    `,
    { eval: true, workerData: { key: env.sb.apiKey, url: env.sb.baseUrl, id: u.id } },
  );
  assert.equal(await new Promise((resolve) => w.once('exit', resolve)), 7);
  assert.equal((await c.users.get({ userId: u.id })).id, u.id);

  // The process exits from the reaction, with its code and without a panic.
  const code = `
    const { Client } = require('coldmailreseller');
    const c = new Client({ apiKey: ${JSON.stringify(env.sb.apiKey)}, baseUrl: ${JSON.stringify(env.sb.baseUrl)}, maxRetries: 0 });
    c.users.get({ userId: ${JSON.stringify(u.id)} }).then(() => process.exit(3));
  `;
  const exited = await new Promise((resolve) => {
    execFile(process.execPath, ['-e', code], { cwd: __dirname, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? err.code : 0, stderr }),
    );
  });
  assert.deepEqual(exited, { code: 3, stderr: '' });
});

test('the bound start function checks its arguments and reads long and non-ASCII strings whole', async () => {
  // The installed package's addon loader (the suite also runs against the packed tarball).
  const path = require('node:path');
  const native = require(path.join(path.dirname(require.resolve('coldmailreseller/package.json')), 'native', 'index.js'));
  const outcomes = new Map();
  const waiters = new Map();
  const c = new native.NativeClient({ apiKey: env.sb.apiKey, baseUrl: env.sb.baseUrl }, (batch) => {
    for (const [id, ok, v] of JSON.parse(batch)) {
      outcomes.set(id, [ok, v]);
      waiters.get(id)?.();
    }
  });
  const start = c.starter();
  const outcome = (id) => new Promise((resolve) => {
    if (outcomes.has(id)) resolve(outcomes.get(id));
    else waiters.set(id, () => resolve(outcomes.get(id)));
  });
  assert.throws(() => start('1', 'wallet.get', '{}'), { name: 'TypeError', message: /id must be a number/ });
  assert.throws(() => start(1, 7, '{}'), { name: 'TypeError', message: /op must be a string/ });
  assert.throws(() => start(1, 'wallet.get', {}), { name: 'TypeError', message: /argsJson must be a string/ });
  const alive = setInterval(() => undefined, 1000); // the raw addon keeps nothing alive
  try {
    start(1, 'wallet.get');
    start(2, 'wallet.get', null);
    // Longer than the function's stack buffer, and two bytes per character.
    const company = 'é'.repeat(400) + '✓';
    start(3, 'users.create', JSON.stringify({ ...newUser(), company }));
    // Around the edge of the function's stack buffer (512 bytes).
    const user = (n, city) => JSON.stringify({ ...newUser(`edge${n}@acme.com`), city });
    const base = user(4, '').length;
    start(4, 'users.create', user(4, 'x'.repeat(511 - base)));
    start(5, 'users.create', user(5, 'x'.repeat(512 - base)));
    start(6, 'no.such.op', '{}');
    // Characters of 2, 3 and 4 bytes across the buffer's edge, at each offset.
    const wide = [];
    for (const ch of ['é', '✓', '😀']) {
      for (let k = 0; k < 4; k++) wide.push('x'.repeat(k) + ch.repeat(600 / ch.length));
    }
    wide.forEach((city, i) => start(10 + i, 'users.create', user(10 + i, city)));
    for (const [i, city] of wide.entries()) {
      const [ok, u] = await outcome(10 + i);
      assert.equal(ok, 1, JSON.stringify(u));
      assert.equal(u.city, city);
    }
    const [w1, w2, u3, u4, u5, bad] = await Promise.all([1, 2, 3, 4, 5, 6].map(outcome));
    assert.equal(w1[0], 1);
    assert.equal(typeof w1[1].balance, 'number');
    assert.equal(w2[0], 1);
    assert.equal(u3[0], 1, JSON.stringify(u3[1]));
    assert.equal(u3[1].company, company);
    assert.equal(u4[1].city.length, 511 - base);
    assert.equal(u5[1].city.length, 512 - base);
    assert.equal(bad[0], 0);
    assert.equal(bad[1].code, 'validation');
  } finally {
    clearInterval(alive);
  }
});
