// Benchmark (not a test), issue #15: the cmr client against the strongest
// Node clients, measured the way a user runs us.
//
//   node bench/external.mjs --sandbox ../target/release/cmr-sandbox [--rounds 7] [--seq 1500] [--conc 6000] [--inflight 32]
//
// `bench/run.sh` builds what this needs (release sandbox, release addon,
// undici) and runs it. What it does:
// - starts the RELEASE `cmr-sandbox` binary as a separate process (rate limit
//   off) and seeds one user;
// - three clients do the same work per call: GET the user, check the status,
//   decode the envelope, build the result object (the model's 16 fields plus
//   unknown ones kept, like `cmr`'s `User`):
//     cmr     `client.users.get({ userId })`
//     undici  `undici.request` + `body.text()` + `JSON.parse`
//     fetch   Node's global `fetch` + `res.text()` + `JSON.parse`
// - sequential (one call at a time) and N in flight (default 32);
// - the clients are interleaved in rounds (the order rotates every round) so
//   that load from other processes hits them alike; after a warm-up round,
//   each round measures req/s (wall clock) and CPU microseconds per request
//   of THIS process (`process.cpuUsage`: user + system, every thread, so the
//   addon's tokio workers are counted), and the server's CPU per request
//   (from /proc, 10 ms ticks: a median, for orientation only);
// - prints, per client and mode, the best round and the spread (min..max),
//   and the ratios of the best rounds (cmr / undici, cmr / fetch); for the
//   sequential mode also the latency of a call (p50, p90, p99: the median
//   over the rounds).
//   `--json FILE` also writes every round.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const undici = require('undici');

const { values } = parseArgs({
  options: {
    sandbox: { type: 'string' },
    rounds: { type: 'string', default: '7' },
    seq: { type: 'string', default: '1500' },
    conc: { type: 'string', default: '6000' },
    inflight: { type: 'string', default: '32' },
    // Profiling aids: one client (`--only cmr`), one mode (`--modes sequential`).
    only: { type: 'string' },
    modes: { type: 'string' },
    json: { type: 'string' },
    // Another build of the package to measure (a directory holding its
    // package.json, dist/ and native/), e.g. a copy of an earlier build.
    package: { type: 'string' },
    // A second build measured as its own client `cmr-compare` in the same
    // rounds (before/after comparisons under the same load).
    compare: { type: 'string' },
  },
});
const { Client } = values.package ? require(values.package) : require('coldmailreseller');
if (!values.sandbox) {
  console.error('usage: node bench/external.mjs --sandbox PATH/TO/release/cmr-sandbox [--rounds N] [--seq N] [--conc N] [--inflight N]');
  process.exit(2);
}
const ROUNDS = Number(values.rounds);
const SEQ = Number(values.seq);
const CONC = Number(values.conc);
const INFLIGHT = Number(values.inflight);
const API_KEY = 'bench_key';

// --- the server: a separate process -----------------------------------------
const server = spawn(values.sandbox, ['--port', '0', '--no-rate-limit', '--api-key', API_KEY], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = () => {
  if (server.exitCode === null) server.kill('SIGINT');
};
process.on('exit', stop);
const lines = createInterface({ input: server.stdout });
const [first] = await Promise.race([
  once(lines, 'line'),
  once(server, 'exit').then(([code]) => {
    throw new Error(`cmr-sandbox exited with ${code} before listening`);
  }),
]);
const url = /listening on (\S+)/.exec(first)?.[1];
if (!url) throw new Error(`unexpected first line from cmr-sandbox: ${first}`);
const baseUrl = `${url}/api/v1/integration`;
const seed = await (await fetch(`${url}/__sandbox/seed`, { method: 'POST' })).json();
const userId = seed.userId;

// --- the clients ------------------------------------------------------------
const FIELDS = [
  'id', 'email', 'company', 'firstName', 'lastName', 'country', 'city', 'addressLineOne',
  'addressLineTwo', 'addressLineThree', 'languagePreference', 'postalCode', 'state', 'phoneCc',
  'phone', 'createdAt',
];
/** What a hand-written client does with the envelope: check it, build the user. */
function toUser(statusCode, text) {
  const env = JSON.parse(text);
  if (statusCode >= 400 || (typeof env.status === 'number' && env.status >= 400)) {
    throw new Error(`HTTP ${statusCode}: ${env.message}`);
  }
  const d = env.data;
  if (d === null || typeof d !== 'object') throw new Error('no user in the answer');
  const user = { ...d };
  for (const f of FIELDS) if (user[f] === undefined) user[f] = null;
  if (d._id !== undefined && user.id === null) user.id = d._id;
  return user;
}

const headers = { 'cmr-x-api-key': API_KEY, accept: 'application/json' };
const userUrl = `${baseUrl}/users?userId=${encodeURIComponent(userId)}`;
const pool = new undici.Pool(url, { connections: INFLIGHT, pipelining: 1 });
const ours = new Client({ apiKey: API_KEY, baseUrl, maxRetries: 0 });

const other = values.compare
  ? new (require(values.compare).Client)({ apiKey: API_KEY, baseUrl, maxRetries: 0 })
  : undefined;
const clients = {
  cmr: () => ours.users.get({ userId }),
  ...(other ? { 'cmr-compare': () => other.users.get({ userId }) } : {}),
  undici: async () => {
    // `undici.request` on a pool sized like ours (the global dispatcher would
    // also do; a pool keeps it independent of fetch's connections).
    const { statusCode, body } = await undici.request(userUrl, { headers, dispatcher: pool });
    return toUser(statusCode, await body.text());
  },
  fetch: async () => {
    const res = await fetch(userUrl, { headers });
    return toUser(res.status, await res.text());
  },
};
const names = Object.keys(clients).filter((n) => !values.only || values.only.split(',').includes(n));

// Every client must answer the same user before anything is timed.
for (const n of names) {
  const u = await clients[n]();
  if (u.id !== userId) throw new Error(`${n} returned ${JSON.stringify(u)}`);
}

// The server's CPU time (user + system, microseconds) from /proc (Linux;
// elsewhere the server column stays empty).
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux
function serverCpuUs() {
  try {
    const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_US;
  } catch {
    return NaN;
  }
}

async function run(fn, total, inflight) {
  let next = 0;
  let failures = 0;
  // Sequentially, the latency of each call too (milliseconds).
  const lat = inflight === 1 ? [] : undefined;
  const worker = async () => {
    while (next++ < total) {
      const t = lat && performance.now();
      try {
        await fn();
      } catch (e) {
        if (failures++ === 0) console.error(e);
      }
      if (lat) lat.push(performance.now() - t);
    }
  };
  const s0 = serverCpuUs();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inflight }, worker));
  const ns = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  const s1 = serverCpuUs();
  if (failures) throw new Error(`${failures} calls failed`);
  const pct = (q) => lat[Math.floor(q * (lat.length - 1))];
  lat?.sort((a, b) => a - b);
  const latency = lat && { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) };
  return { rps: total / (ns / 1e9), cpuUs: (cpu.user + cpu.system) / total, serverCpuUs: (s1 - s0) / total, latency };
}

const modes = [
  ['sequential', SEQ, 1],
  [`${INFLIGHT} in flight`, CONC, INFLIGHT],
].filter(([m]) => !values.modes || values.modes.split(',').some((w) => m.startsWith(w) || m.endsWith(w)));
const results = {}; // mode -> client -> [{rps, cpuUs}]
for (let round = 0; round <= ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const [mode, total, inflight] of modes) {
    for (const n of order) {
      // Round 0 warms up connections and the JIT, on a smaller count.
      const r = await run(clients[n], round === 0 ? Math.ceil(total / 4) : total, inflight);
      if (round === 0) continue;
      ((results[mode] ??= {})[n] ??= []).push(r);
    }
  }
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const rows = [];
const best = {};
for (const [mode] of modes) {
  for (const n of names) {
    const rs = results[mode][n];
    const rps = rs.map((r) => r.rps);
    const cpu = rs.map((r) => r.cpuUs);
    const srv = rs.map((r) => r.serverCpuUs);
    best[`${mode}/${n}`] = { rps: Math.max(...rps), cpuUs: Math.min(...cpu) };
    rows.push({
      mode,
      client: n,
      'best req/s': fmt(Math.max(...rps)),
      'req/s spread': `${fmt(Math.min(...rps))} - ${fmt(Math.max(...rps))}`,
      'best CPU us/req': Math.min(...cpu).toFixed(1),
      'CPU us/req spread': `${Math.min(...cpu).toFixed(1)} - ${Math.max(...cpu).toFixed(1)}`,
      'server CPU us/req (median)': srv.sort((a, b) => a - b)[srv.length >> 1].toFixed(1),
    });
  }
}
console.log(`node ${process.version}, ${ROUNDS} rounds (+1 warm-up), ${SEQ} sequential / ${CONC} at ${INFLIGHT} in flight per client per round`);
console.table(rows);
if (names.includes('cmr')) {
  const ratios = [];
  for (const [mode] of modes) {
    for (const peer of names.filter((n) => n !== 'cmr' && n !== 'cmr-compare')) {
      const a = best[`${mode}/cmr`];
      const b = best[`${mode}/${peer}`];
      ratios.push({
        mode,
        'cmr vs': peer,
        'req/s ratio (best rounds)': `${(a.rps / b.rps).toFixed(2)}x`,
        'CPU per request ratio': `${(a.cpuUs / b.cpuUs).toFixed(2)}x`,
      });
    }
  }
  console.table(ratios);
}
// Sequential latency: the median over the rounds of each round's percentile.
const seqMode = modes.find(([, , inflight]) => inflight === 1)?.[0];
if (seqMode) {
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  console.table(
    names.map((n) => {
      const ls = results[seqMode][n].map((r) => r.latency);
      const row = { 'sequential latency, ms': n };
      for (const q of ['p50', 'p90', 'p99']) row[q] = median(ls.map((l) => l[q])).toFixed(3);
      return row;
    }),
  );
}
if (values.json) writeFileSync(values.json, JSON.stringify({ rounds: results, best }, null, 2));

await pool.close();
stop();
