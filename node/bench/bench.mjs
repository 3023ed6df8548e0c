// Benchmark (not a test): the cmr client against a plain fetch + JSON.parse
// client doing the same calls on the same sandbox (rate limit off).
//
//   node bench/bench.mjs [--n 2000] [--concurrency 32]
//
// Build the addon in release mode first for meaningful numbers:
//   npx napi build --release --manifest-path ../bindings/node/Cargo.toml --platform --output-dir native --js index.js --dts index.d.ts
import { parseArgs } from 'node:util';
import { Client } from 'coldmailreseller';
import { startSandbox } from 'coldmailreseller/testing';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '32' } },
});
const N = Number(values.n);
const C = Number(values.concurrency);

const sb = await startSandbox(); // rate limit off
const seed = await sb.seed();
const ours = new Client({ apiKey: sb.apiKey, baseUrl: sb.baseUrl, maxRetries: 0 });

// The baseline: what a hand-written client does without an SDK.
class FetchClient {
  constructor(baseUrl, key) {
    this.baseUrl = baseUrl;
    this.headers = { 'cmr-x-api-key': key, accept: 'application/json' };
  }
  async get(path, query) {
    const res = await fetch(`${this.baseUrl}${path}?${new URLSearchParams(query)}`, { headers: this.headers });
    const body = JSON.parse(await res.text());
    if (!res.ok) throw new Error(`${res.status} ${body.message}`);
    return body.data;
  }
}
const raw = new FetchClient(sb.baseUrl, sb.apiKey);

const calls = {
  'users.get': [() => ours.users.get({ userId: seed.userId }), () => raw.get('/users', { userId: seed.userId })],
  'mailboxes.list': [() => ours.mailboxes.list({ userId: seed.userId }), () => raw.get('/mailboxes/single', { userId: seed.userId })],
  'users.list': [() => ours.users.list({ limit: 50 }), () => raw.get('/users/list', { limit: '50' })],
};

async function sequential(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function concurrent(fn, n, c) {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next++ < n) await fn();
    }),
  );
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const rows = [];
for (const [name, [a, b]] of Object.entries(calls)) {
  // warm up both (connections, JIT)
  await sequential(a, 200);
  await sequential(b, 200);
  for (const [mode, run] of [
    ['sequential', (f) => sequential(f, N)],
    [`concurrent x${C}`, (f) => concurrent(f, N, C)],
  ]) {
    const tb = await run(b);
    const ta = await run(a);
    rows.push({
      call: name,
      mode,
      'cmr req/s': Math.round((N / ta) * 1000),
      'fetch req/s': Math.round((N / tb) * 1000),
      speedup: `${(tb / ta).toFixed(2)}x`,
    });
  }
}
console.table(rows);
await sb.stop();
