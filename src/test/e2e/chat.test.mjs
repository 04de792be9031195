// The browser client end to end, in headless Chromium: two people in two browser contexts (one at phone
// width) register, open a direct conversation, write both ways, see typing and "seen by", reply, edit and
// delete; one goes away and the other sees it; a reload keeps the conversation.
//
//   E2E_BASE_URL=http://127.0.0.1:18081 node --test chat.test.mjs   (the service must be running there)
//
// Screenshots: target/e2e-alice.png, target/e2e-bob.png, target/e2e-erin-members.png (repository root).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8080';
const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const TARGET = fileURLToPath(new URL('../../../target/', import.meta.url));
/** How long anything the other side did may take to show up: events travel over a local WebSocket. */
const WAIT_MS = 15_000;
const PASSWORD = 'correct horse battery';

let browser;

before(async () => {
  mkdirSync(TARGET, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a new empty profile (its own --user-data-dir).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

/** A person with their own browser context (own storage, own WebSocket). */
async function person(name, viewport) {
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  const display = name[0].toUpperCase() + name.slice(1);
  return { name, display, username: `${name}_${suffix}`, context, page, problems };
}

async function register(who) {
  const { page } = who;
  await page.goto(`${BASE_URL}/`);
  await page.getByLabel('Username', { exact: true }).fill(who.username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Display name (new accounts, optional)').fill(who.display);
  await page.getByRole('button', { name: 'Register' }).click();
  await visible(page.getByText(`Signed in as ${who.display} (@${who.username})`));
  await visible(page.getByRole('status').filter({ hasText: 'Connected' }));
}

async function visible(locator) {
  await locator.first().waitFor({ state: 'visible', timeout: WAIT_MS });
}

async function eventually(what, check) {
  const deadline = Date.now() + WAIT_MS;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${what}: not within ${WAIT_MS} ms`);
}

const log = (page) => page.getByRole('log', { name: 'Messages' });
const messageBox = (page) => page.getByRole('textbox', { name: 'Message', exact: true });
const messageItem = (page, text) => log(page).getByRole('listitem').filter({ hasText: text });
const roomButton = (page, name) =>
  page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: new RegExp(`^${name}`) });
const subtitle = (page) => page.locator('#room-subtitle');

/** On a failure, what each page showed: target/e2e-<name>-failed.png. */
async function onFailure(people, run) {
  try {
    await run();
  } catch (e) {
    for (const who of people) {
      await who.page.screenshot({ path: `${TARGET}e2e-${who.name}-failed.png` }).catch(() => {});
    }
    throw e;
  }
}

test('two people chat in a direct conversation in real browsers', async () => {
  const alice = await person('alice', { width: 1100, height: 760 });
  const bob = await person('bob', { width: 390, height: 780 }); // a phone
  await onFailure([alice, bob], () => conversation(alice, bob));
});

async function conversation(alice, bob) {
  await register(alice);
  await register(bob);

  // Alice finds Bob and opens a direct conversation with him.
  await alice.page.getByRole('button', { name: 'New direct message' }).click();
  await alice.page.getByLabel('Find a person').fill(bob.username);
  await alice.page.getByRole('button', { name: `Message ${bob.display} (@${bob.username})` }).click();
  await visible(alice.page.getByRole('heading', { level: 2, name: bob.display }));
  assert.match(alice.page.url(), /\/rooms\/[0-9a-f-]{36}$/, 'the open room is in the address');
  await eventually('Alice sees Bob online', async () => (await subtitle(alice.page).textContent()) === 'online');

  // Alice writes; Bob's list shows the conversation live, with the message and an unread badge.
  await messageBox(alice.page).fill('Hello Bob');
  await alice.page.getByRole('button', { name: 'Send' }).click();
  await visible(log(alice.page).getByText('Hello Bob'));
  const bobsRoom = roomButton(bob.page, alice.display);
  await visible(bobsRoom.filter({ hasText: 'Hello Bob' }));
  await eventually('Bob sees 1 unread', async () => /1 unread/.test(await bobsRoom.textContent()));

  // Bob opens it and so reads it: Alice sees "Seen by Bob" under her message.
  await bobsRoom.click();
  await visible(log(bob.page).getByText('Hello Bob'));
  await visible(messageItem(alice.page, 'Hello Bob').getByText(`Seen by ${bob.display}`));
  // At phone width the open room replaces the list: back to it, read now, and into the room again.
  await bob.page.getByRole('button', { name: 'Back to conversations' }).click();
  await eventually('Bob has nothing unread', async () => !/unread/.test(await bobsRoom.textContent()));
  await bobsRoom.click();

  // Bob types: Alice sees it; he sends, and the indicator goes.
  await messageBox(bob.page).pressSequentially('Hi Alice', { delay: 40 });
  await visible(alice.page.getByText(`${bob.display} is typing…`));
  await messageBox(bob.page).press('Enter');
  await visible(log(alice.page).getByText('Hi Alice'));
  await alice.page.getByText(`${bob.display} is typing…`).waitFor({ state: 'hidden' });

  // Alice replies to Bob, edits her reply, and deletes her first message; Bob sees each change live.
  await messageItem(alice.page, 'Hi Alice').getByRole('button', { name: 'Reply' }).click();
  await messageBox(alice.page).fill('Nice to see you');
  await messageBox(alice.page).press('Enter');
  const reply = messageItem(bob.page, 'Nice to see you');
  await visible(reply.getByText('Hi Alice'));
  await messageItem(alice.page, 'Nice to see you').getByRole('button', { name: 'Edit' }).click();
  await messageBox(alice.page).fill('Nice to see you again');
  await alice.page.getByRole('button', { name: 'Save' }).click();
  await visible(messageItem(bob.page, 'Nice to see you again').getByText('(edited)'));
  alice.page.once('dialog', (dialog) => dialog.accept());
  await messageItem(alice.page, 'Hello Bob').getByRole('button', { name: 'Delete' }).click();
  await visible(log(bob.page).getByText('This message was deleted.'));
  await visible(messageItem(alice.page, 'Nice to see you again').getByText(`Seen by ${bob.display}`));

  await bob.page.screenshot({ path: `${TARGET}e2e-bob.png` });
  assert.deepEqual(bob.problems, []);

  // Bob goes away: Alice sees him go offline, in the room header and in her list.
  await bob.context.close();
  await eventually('Alice sees Bob offline', async () =>
    (await subtitle(alice.page).textContent()).startsWith('offline'));
  await visible(roomButton(alice.page, bob.display).filter({ hasText: '(offline)' }));

  // Alice reloads the page (the deep link /rooms/<id>): the conversation and its history are still there.
  await alice.page.reload();
  await visible(alice.page.getByRole('heading', { level: 2, name: bob.display }));
  await visible(log(alice.page).getByText('Hi Alice'));
  await visible(log(alice.page).getByText('Nice to see you again'));
  await visible(log(alice.page).getByText('This message was deleted.'));
  await alice.page.screenshot({ path: `${TARGET}e2e-alice.png` });
  assert.deepEqual(alice.problems, []);
  await alice.context.close();
}

test('deep links serve the page, unknown API and operations paths stay problem+json 404', async () => {
  const page = await fetch(`${BASE_URL}/rooms/${crypto.randomUUID()}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.match(page.headers.get('content-security-policy'), /script-src 'self'/);
  for (const path of ['/api/nope', '/q/nope']) {
    const response = await fetch(`${BASE_URL}${path}`, { headers: { Accept: 'text/html' } });
    assert.equal(response.status, 404, path);
    assert.match(response.headers.get('content-type'), /^application\/problem\+json/, path);
  }
});

/** Opens (or finds) the direct conversation of `who` with `other`, through the "New direct message" dialog. */
async function openDirect(who, other) {
  await who.page.getByRole('button', { name: 'New direct message' }).click();
  await who.page.getByLabel('Find a person').fill(other.username);
  await who.page.getByRole('button', { name: `Message ${other.display} (@${other.username})` }).click();
  await visible(who.page.getByRole('heading', { level: 2, name: other.display }));
}

async function send(who, text) {
  await messageBox(who.page).fill(text);
  await messageBox(who.page).press('Enter');
  await visible(log(who.page).getByText(text));
}

test('a dropped connection is reopened and what was missed is caught up', async () => {
  const carol = await person('carol', { width: 1000, height: 700 });
  const dave = await person('dave', { width: 1000, height: 700 });
  // Carol's WebSocket goes through the test: it can cut it, and refuse new ones for a while.
  let refuse = false;
  const open = [];
  await carol.context.routeWebSocket(/\/ws/, (ws) => {
    if (refuse) {
      ws.close({ code: 1011, reason: 'the test refuses this connection' });
      return;
    }
    open.push({ page: ws, server: ws.connectToServer() });
  });
  await onFailure([carol, dave], async () => {
    await register(carol);
    await register(dave);
    await openDirect(carol, dave);
    await openDirect(dave, carol);
    await eventually('Dave sees Carol online', async () => (await subtitle(dave.page).textContent()) === 'online');
    await send(dave, 'before the drop');
    await visible(log(carol.page).getByText('before the drop'));

    refuse = true;
    for (const { page, server } of open.splice(0)) {
      await server.close({ code: 1000, reason: 'the test drops it' });
      await page.close({ code: 1011, reason: 'the test drops it' });
    }
    await visible(carol.page.getByRole('status').filter({ hasText: 'Offline, reconnecting' }));
    await eventually('Dave sees Carol offline', async () =>
      (await subtitle(dave.page).textContent()).startsWith('offline'));
    await send(dave, 'while you were away');

    refuse = false;
    await visible(carol.page.getByRole('status').filter({ hasText: 'Connected' }));
    await visible(log(carol.page).getByText('while you were away'));
    await eventually('Dave sees Carol online again', async () => (await subtitle(dave.page).textContent()) === 'online');
    await send(carol, 'back again');
    await visible(log(dave.page).getByText('back again'));
    assert.deepEqual([...carol.problems, ...dave.problems], []);
  });
  await carol.context.close();
  await dave.context.close();
});

test('session and WebSocket are renewed before the access token expires; owners add and remove members', async () => {
  const erin = await person('erin', { width: 1000, height: 700 });
  const frank = await person('frank', { width: 1000, height: 700 });
  // Erin's page runs on a clock the test can move forward (timers and Date; the server keeps real time).
  await erin.page.clock.install();
  // Her WebSockets go through the test, which notes those the page closes itself.
  const sockets = [];
  const closedByPage = [];
  await erin.context.routeWebSocket(/\/ws/, (ws) => {
    const server = ws.connectToServer();
    sockets.push(ws);
    ws.onClose((code, reason) => {
      closedByPage.push(reason);
      server.close({ code, reason });
    });
  });
  await onFailure([erin, frank], async () => {
    await register(erin);
    // An error of the API is shown in words: here a validation problem, with its field.
    await frank.page.goto(`${BASE_URL}/`);
    await frank.page.getByLabel('Username', { exact: true }).fill(frank.username);
    await frank.page.getByLabel('Password', { exact: true }).fill('short');
    await frank.page.getByRole('button', { name: 'Register' }).click();
    await visible(frank.page.getByRole('alert').filter({ hasText: /\S.* Password: \S/ }));
    await register(frank);

    // A group, then Frank added from the members dialog: his list shows it live; removed, it goes.
    await erin.page.getByRole('button', { name: 'New group' }).click();
    await erin.page.getByLabel('Group name').fill('Launch plan');
    await erin.page.getByRole('button', { name: 'Create group' }).click();
    await visible(erin.page.getByRole('heading', { level: 2, name: 'Launch plan' }));
    await erin.page.getByRole('button', { name: 'Members' }).click();
    const members = erin.page.getByRole('dialog', { name: 'Members of Launch plan' });
    await members.getByLabel('Add a person').fill(frank.username);
    await members.getByRole('button', { name: `Add ${frank.display} (@${frank.username})` }).click();
    await visible(members.getByRole('listitem').filter({ hasText: frank.display }));
    await visible(roomButton(frank.page, 'Launch plan'));
    await erin.page.screenshot({ path: `${TARGET}e2e-erin-members.png` });
    await members.getByRole('button', { name: `Remove ${frank.display}` }).click();
    await roomButton(frank.page, 'Launch plan').waitFor({ state: 'detached' });
    await members.getByRole('button', { name: 'Close' }).click();
    await openDirect(frank, erin);

    // Twelve minutes later (of a 15-minute access token) the client has refreshed its session by itself.
    const tokenOf = () => erin.page.evaluate(() => JSON.parse(sessionStorage.getItem('chat.session')).accessToken);
    const first = await tokenOf();
    await erin.page.clock.fastForward('12:01');
    await eventually('Erin has a new access token', async () => (await tokenOf()) !== first);
    await send(erin, 'still signed in');

    // Before the server would end her WebSocket (when the access token it was opened with expires), the client
    // opens a successor and closes the old one once the successor is ready: no gap, no offline blink.
    assert.equal(sockets.length, 1);
    await erin.page.clock.fastForward('01:40');
    await eventually('a successor WebSocket is opened', async () => sockets.length === 2);
    await eventually('the old one is closed by the page', async () => closedByPage.includes('replaced'));
    await send(frank, 'after the renewal');
    await visible(roomButton(erin.page, frank.display).filter({ hasText: 'after the renewal' }));
    assert.equal(await subtitle(frank.page).textContent(), 'online');

    await erin.page.reload();
    await visible(log(erin.page).getByText('still signed in'));
    assert.deepEqual([...erin.problems, ...frank.problems], []);
  });
  await erin.context.close();
  await frank.context.close();
});
