'use strict';
// Shared helpers of the node --test suite: every test talks to a real
// cmr-sandbox over loopback HTTP (started in-process by cmr/testing).
const path = require('node:path');
const fs = require('node:fs');
const { before, after, beforeEach } = require('node:test');
const { startSandbox } = require('coldmailreseller/testing');

const SCENARIOS = path.join(__dirname, '..', '..', 'tests', 'scenarios');

function scenario(name) {
  return JSON.parse(fs.readFileSync(path.join(SCENARIOS, name), 'utf8'));
}

/** Start one sandbox for the file, reset it before each test. */
function useSandbox(options = {}) {
  const env = { sb: null, client: null };
  before(async () => {
    env.sb = await startSandbox(options);
    env.client = env.sb.client({ maxRetries: 0 });
  });
  beforeEach(async () => {
    await env.sb.reset();
  });
  after(async () => {
    await env.sb.stop();
  });
  return env;
}

let n = 0;
function newUser(email) {
  n += 1;
  return {
    email: email ?? `jane${n}@acme.com`,
    company: 'Acme Inc.',
    firstName: 'Jane',
    lastName: 'Doe',
    country: 'US',
    city: 'Austin',
    addressLineOne: '1 Main Street',
    addressLineTwo: 'Suite 4',
    languagePreference: 'en',
    postalCode: '73301',
    state: 'TX',
    phoneCc: '1',
    phone: '5125550100',
  };
}

const google = () => ({ googleOauthRoute: 'https://app.example.com/oauth/google', clientId: 'client-123', appName: 'Example' });

function order(domain, usernames) {
  return {
    domains: [{ domain, years: 1 }],
    mailboxes: { [domain]: usernames.map((u) => ({ username: u, firstName: 'First', lastName: 'Last' })) },
    billingCycle: 'MONTHLY',
    confirm: true,
    google: google(),
  };
}

/** A user who owns `domain` with ACTIVE mailboxes and an active subscription. */
async function provisioned(env, domain, usernames) {
  const user = await env.client.users.create(newUser());
  const created = await env.client.orders.create({ userId: user.id, ...order(domain, usernames) });
  await env.sb.advance(60);
  const subs = await env.client.subscriptions.list({ domain });
  const mailboxes = await env.client.mailboxes.list({ userId: user.id });
  return { user, created, sub: subs.items[0], mailboxes };
}

async function hits(sb, method, p) {
  return (await sb.requests()).filter((r) => r.method === method && r.path === p).length;
}

module.exports = { scenario, useSandbox, newUser, google, order, provisioned, hits };
