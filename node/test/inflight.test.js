'use strict';
// Calls in flight: the addon settles them in batches from one queue per
// client (bindings/node/src/lib.rs), so check that every promise gets its own
// outcome, that a call keeps the process alive until it settles, and that
// nothing keeps it alive afterwards.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { NotFoundError } = require('coldmailreseller');
const { useSandbox, newUser } = require('./helpers');

const env = useSandbox();

test('200 calls in flight on three clients each settle with their own result or error', async () => {
  const users = [];
  for (let i = 0; i < 5; i++) users.push(await env.client.users.create(newUser(`inflight${i}@acme.com`)));
  const views = [env.client, env.sb.client({ maxRetries: 0 }), env.client.withOptions({ timeoutMs: 10_000 })];
  const calls = [];
  for (let i = 0; i < 200; i++) {
    const c = views[i % views.length];
    if (i % 7 === 3) {
      calls.push(c.users.get({ userId: `MISSING${i}` }).then(
        () => assert.fail('a missing user resolved'),
        (e) => {
          assert.ok(e instanceof NotFoundError, String(e));
          return `missing ${i}`;
        },
      ));
    } else {
      const u = users[i % users.length];
      calls.push(c.users.get({ userId: u.id }).then((got) => {
        assert.equal(got.id, u.id);
        assert.equal(got.email, u.email);
        return `ok ${i}`;
      }));
    }
  }
  const out = await Promise.all(calls);
  assert.equal(out.length, 200);
  assert.equal(out.filter((s) => s.startsWith('missing')).length, 29);
});

function run(script) {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { cwd: __dirname, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ error, stdout, stderr }),
    );
  });
}

test('a call in flight keeps the process alive, and the process exits once it settled', async () => {
  // Nothing but the call itself holds the child's event loop: the server is
  // this process's sandbox. A weak wake-up with no keep-alive would exit
  // before printing; a keep-alive that is never released would hang until
  // the timeout kills the child.
  const script = `
    const { Client } = require('coldmailreseller');
    const c = new Client({ apiKey: ${JSON.stringify(env.sb.apiKey)}, baseUrl: ${JSON.stringify(env.sb.baseUrl)}, maxRetries: 0 });
    c.wallet.get().then((w) => process.stdout.write('balance ' + typeof w.balance));
    c.users.get({ userId: 'NOPE' }).catch((e) => process.stdout.write(' then ' + e.constructor.name));`;
  const t0 = Date.now();
  const r = await run(script);
  assert.equal(r.error, null, `${r.error}\n${r.stderr}`);
  assert.match(r.stdout, /^balance number then NotFoundError$|^ then NotFoundErrorbalance number$/);
  assert.ok(Date.now() - t0 < 15_000);
});
