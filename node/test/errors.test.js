'use strict';
// Every error class, driven by tests/scenarios/errors.json.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const cmr = require('coldmailreseller');
const { useSandbox, scenario } = require('./helpers');

const env = useSandbox();
const { cases } = scenario('errors.json');

function camel(s) {
  return s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

for (const c of cases) {
  test(`error case ${c.name} -> ${c.class}`, async () => {
    if (c.fault) await env.sb.injectFault(c.fault);
    const client = env.sb.client({ maxRetries: 0, ...(c.setup ?? {}) });
    const [resource, method] = c.op.split('.');
    const before = (await env.sb.requests()).length;
    const err = await client[resource][camel(method)](c.args).then(
      () => assert.fail('expected a rejection'),
      (e) => e,
    );
    const cls = cmr[c.class];
    assert.equal(typeof cls, 'function', `cmr exports ${c.class}`);
    assert.ok(err instanceof cls, `${err?.name}: ${err?.message}`);
    assert.ok(err instanceof cmr.CmrError);
    assert.ok(err instanceof Error);
    assert.equal(err.name, c.class);
    assert.equal(err.code, c.code);
    assert.equal(cmr.ERROR_CLASSES[c.code], cls);
    assert.equal(typeof err.message, 'string');
    assert.ok(err.message.length > 0);
    if (c.status !== undefined) {
      assert.equal(err.status, c.status);
      assert.equal(typeof err.body, 'string');
    }
    if (c.noRequest) {
      assert.equal((await env.sb.requests()).length, before, 'rejected before sending');
    } else {
      assert.equal(err.method, 'GET');
      assert.ok(err.path.startsWith('/users'), err.path);
    }
    if (c.retryAfter !== undefined) assert.equal(err.retryAfter, c.retryAfter);
    assert.ok(!String(err.stack).includes(env.sb.apiKey) || c.setup?.apiKey, 'key not in the stack');
  });
}

test('every code of the contract has a class under CmrError', () => {
  const codes = ['authentication', 'permission', 'not_found', 'conflict', 'validation', 'payment_required', 'rate_limited', 'server', 'network', 'timeout', 'decode', 'signature', 'redirect', 'internal'];
  assert.deepEqual(Object.keys(cmr.ERROR_CLASSES).sort(), [...codes].sort());
  for (const code of codes) {
    const e = new cmr.ERROR_CLASSES[code]({ code, message: 'm', status: 400, method: 'GET', path: '/x', body: '{}' });
    assert.ok(e instanceof cmr.CmrError);
    assert.deepEqual([e.code, e.status, e.method, e.path, e.body, e.message], [code, 400, 'GET', '/x', '{}', 'm']);
  }
});

test('a client without any key fails with a ValidationError', () => {
  const saved = process.env.CMR_API_KEY;
  delete process.env.CMR_API_KEY;
  try {
    assert.throws(() => new cmr.Client({ baseUrl: env.sb.baseUrl }), (e) => e instanceof cmr.ValidationError && /CMR_API_KEY/.test(e.message));
  } finally {
    if (saved !== undefined) process.env.CMR_API_KEY = saved;
  }
});

test('the key is read from CMR_API_KEY when omitted', async () => {
  const saved = process.env.CMR_API_KEY;
  process.env.CMR_API_KEY = env.sb.apiKey;
  try {
    const c = new cmr.Client({ baseUrl: env.sb.baseUrl });
    assert.equal(typeof (await c.wallet.get()).balance, 'number');
  } finally {
    if (saved === undefined) delete process.env.CMR_API_KEY;
    else process.env.CMR_API_KEY = saved;
  }
});

test('rate limit: the sandbox limiter answers 429 as a RateLimitError with retryAfter', async () => {
  await env.sb.configure({ rateLimit: 1 });
  try {
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => env.client.geo.countries()));
    const limited = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    assert.ok(limited.length > 0, 'some requests were limited');
    for (const e of limited) {
      assert.ok(e instanceof cmr.RateLimitError, String(e));
      assert.equal(e.status, 429);
      assert.ok(e.retryAfter === null || e.retryAfter > 0);
    }
  } finally {
    await env.sb.configure({ rateLimit: null });
  }
});
