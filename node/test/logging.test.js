'use strict';
// Logging (issue #14): the core's lines reach a `logger` object, or stderr
// with CMR_LOG; a retried and a failing call are logged, never the key.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { NotFoundError, ServerError } = require('coldmailreseller');
const { useSandbox, newUser } = require('./helpers');

const env = useSandbox();

/** A logger object collecting `{level, message, fields}`. */
function collector() {
  const lines = [];
  const at = (level) => (message, fields) => lines.push({ level, message, fields });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

function assertNoKey(lines, key) {
  for (const l of lines) {
    const text = JSON.stringify(l);
    assert.ok(!text.includes(key), `key in a log line: ${text}`);
  }
}

test('a retried call logs each attempt and the retry decision', async () => {
  const { lines, logger } = collector();
  const client = env.sb.client({ maxRetries: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 5, logger });
  await env.sb.injectFault({ path: '/wallet', count: 1, kind: 'status', status: 503 });
  await client.wallet.get();
  assert.deepEqual(lines.map((l) => l.level), ['info', 'info'], JSON.stringify(lines));
  const [first, second] = lines;
  assert.equal(first.fields.method, 'GET');
  assert.ok(first.fields.path.endsWith('/wallet'));
  assert.equal(first.fields.status, '503');
  assert.equal(first.fields.attempt, '1');
  assert.match(first.fields.retry, /^in \d+ ms$/);
  assert.ok(Number(first.fields.duration_ms) >= 0);
  assert.match(first.message, /503.*retrying in/);
  assert.equal(second.fields.status, '200');
  assert.equal(second.fields.attempt, '2');
  assert.equal(second.fields.retry, undefined);
  assertNoKey(lines, env.sb.apiKey);
});

test('failing calls log the error and why they are not retried', async () => {
  const { lines, logger } = collector();
  const client = env.sb.client({ maxRetries: 2, retryBaseDelayMs: 1, logger });
  await assert.rejects(client.users.get({ userId: 'USR_missing' }), NotFoundError);
  await env.sb.injectFault({ method: 'POST', path: '/users', count: 1, kind: 'status', status: 500 });
  await assert.rejects(client.users.create(newUser()), ServerError);
  assert.equal(lines.length, 2, JSON.stringify(lines));
  assert.equal(lines[0].level, 'info');
  assert.equal(lines[0].fields.status, '404');
  assert.equal(lines[0].fields.retry, 'no: not retryable');
  assert.equal(lines[1].level, 'warn');
  assert.equal(lines[1].fields.retry, 'no: the write may have reached the server');
  assertNoKey(lines, env.sb.apiKey);
});

test('debug adds the bodies; the key is scrubbed even when passed as an id', async () => {
  const { lines, logger } = collector();
  const client = env.sb.client({ maxRetries: 0, logger, logLevel: 'debug' });
  await client.users.create(newUser('dbg@acme.com'));
  assert.ok(lines.some((l) => l.level === 'debug' && l.message.startsWith('request POST') && l.fields.body.includes('dbg@acme.com')));
  assert.ok(lines.some((l) => l.level === 'debug' && l.message.startsWith('response POST')));
  await assert.rejects(client.users.get({ userId: env.sb.apiKey }));
  assert.ok(lines.some((l) => l.message.includes('****')), JSON.stringify(lines));
  assertNoKey(lines, env.sb.apiKey);
});

test('logLevel off silences a given logger; an unknown level is refused', async () => {
  const { lines, logger } = collector();
  const client = env.sb.client({ logger, logLevel: 'off' });
  await client.wallet.get();
  assert.deepEqual(lines, []);
  assert.throws(() => env.sb.client({ logLevel: 'loud' }), /logLevel/);
});

test('CMR_LOG=info prints the lines to stderr when no logger is given', () => {
  const script = `
    const { startSandbox } = require('coldmailreseller/testing');
    (async () => {
      const sb = await startSandbox();
      const client = sb.client({ maxRetries: 1, retryBaseDelayMs: 1 });
      await sb.injectFault({ path: '/wallet', count: 1, kind: 'status', status: 503 });
      await client.wallet.get();
      process.stdout.write(sb.apiKey);
      await sb.stop();
    })().catch((e) => { console.error('FAILED', e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script], {
    cwd: __dirname,
    env: { ...process.env, CMR_LOG: 'info' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const key = r.stdout;
  assert.ok(key.length > 0);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('cmr '));
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0], /^cmr info: GET \S*\/wallet -> 503 .*\(attempt 1\).*retrying in/);
  assert.match(lines[1], /^cmr info: GET \S*\/wallet -> 200 .*\(attempt 2\)/);
  assert.ok(!r.stderr.includes(key), r.stderr);
});
