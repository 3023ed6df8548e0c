'use strict';
// coldmailreseller/testing: the sandbox's typed control, in-process (no HTTP).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { CONTROL_OPS } = require('coldmailreseller/testing');
const { useSandbox } = require('./helpers');

const env = useSandbox();

test('CONTROL_OPS is the sandbox list, and its TypeScript type names exactly those operations', () => {
  // The value comes from the addon (cmr_sandbox::CONTROL_OPS); the type is
  // spelled in testing.ts. Read the type from the installed declarations.
  const dts = fs.readFileSync(path.join(path.dirname(require.resolve('coldmailreseller/testing')), 'testing.d.ts'), 'utf8');
  const decl = /export declare const CONTROL_OPS: readonly \[([^\]]*)\]/.exec(dts);
  assert.ok(decl, 'testing.d.ts declares CONTROL_OPS as a readonly tuple');
  const typed = [...decl[1].matchAll(/["']([a-z_]+)["']/g)].map((m) => m[1]);
  assert.ok(typed.includes('seed') && CONTROL_OPS.includes('seed'), `type ${typed}, value ${CONTROL_OPS}`);
  const missingFromType = CONTROL_OPS.filter((op) => !typed.includes(op));
  const unknownToSandbox = typed.filter((op) => !CONTROL_OPS.includes(op));
  assert.deepEqual(missingFromType, [], 'operations the sandbox knows but ControlOp lacks');
  assert.deepEqual(unknownToSandbox, [], 'ControlOp members the sandbox does not know');
  assert.deepEqual([...CONTROL_OPS], typed, 'same order as the sandbox');
  assert.ok(Object.isFrozen(CONTROL_OPS));
});

test('every control operation the package names is one the sandbox knows', async () => {
  const { sb } = env;
  for (const op of CONTROL_OPS) {
    if (op === 'advance') continue; // exercised below with its argument
    try {
      await sb.control(op, op === 'set_wallet' ? { balance: 1 } : op === 'freeze_clock' ? { frozen: true } : op === 'inject_fault' ? { path: '/users', kind: 'drop' } : undefined);
    } catch (e) {
      assert.doesNotMatch(String(e.message), /unknown control operation/, op);
      throw e;
    }
  }
  await assert.rejects(sb.control('launch_missiles'), (e) => e.code === 'InvalidArg' && /unknown control operation/.test(e.message));
});

test('control operations act on the sandbox the client talks to', async () => {
  const { sb, client } = env;
  const ids = await sb.seed();
  assert.ok(Object.keys((await sb.state()).users).includes(ids.userId));
  assert.equal((await sb.freezeClock(true)).frozen, true);
  const before = (await sb.clock()).offsetSeconds;
  assert.equal((await sb.advance(90)).offsetSeconds, before + 90);
  assert.equal((await sb.configure({ rateLimit: 3 })).rateLimit, 3);
  assert.equal((await sb.config()).rateLimit, 3);
  await sb.injectFault({ path: '/users/list', kind: 'status', status: 503 });
  assert.deepEqual((await sb.faults()).map((f) => f.path), ['/users/list']);
  await sb.clearFaults();
  assert.deepEqual(await sb.faults(), []);
  await client.users.get({ userId: ids.userId });
  assert.deepEqual((await sb.requests()).map((r) => r.path), ['/users']);
  await sb.clearRequests();
  assert.deepEqual(await sb.requests(), []);
  assert.equal((await sb.health()).ok, true);
});

test('refused control inputs reject before changing anything', async () => {
  const { sb } = env;
  const cfg = await sb.config();
  await assert.rejects(sb.configure({ rateLimit: 3, maxBatch: 0 }), (e) => e.code === 'InvalidArg' && /maxBatch/.test(e.message));
  assert.deepEqual(await sb.config(), cfg);
  await assert.rejects(sb.setWallet(-1), /non-negative/);
  await assert.rejects(sb.advance(-5), /seconds/);
  await assert.rejects(sb.injectFault({ path: '/nope', kind: 'status', status: 500 }), /No API route/);
});
