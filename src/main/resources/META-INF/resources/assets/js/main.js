// Entry point: signs in (or picks up this tab's session), then wires the live connection to the views.
import { Api } from './api.js';
import { Live } from './live.js';
import { $ } from './dom.js';
import { app, rememberUser, resetState, toast } from './state.js';
import {
  loadRooms, onMessageChanged, onMessageCreated as listOnMessage, reloadRoomsSoon, renderRooms,
} from './rooms.js';
import {
  catchUp, closeRoom, currentRoomId, isReading, onMessageCreated, onMessageDeleted, onMessageUpdated,
  onTyping, openRoom, reloadMembers, renderHeader, setupConversation, updateReceipt,
} from './conversation.js';
import { onMemberAdded, onMemberRemoved, refreshMembersDialog, setupPeople } from './people.js';

const DEEP_LINK = /^\/rooms\/([^/]+)$/;

app.api = new Api({ onSessionEnd: (reason) => showAuth(reason) });
let readyCount = 0;
const live = new Live(app.api, {
  onReady: () => resync(readyCount++ > 0).catch((e) => toast(e.message)),
  onEvent: dispatch,
  onStatus: showConnection,
  credentialsExpireAt: () => app.api.accessTokenExpiresAt,
});

function setupAuth() {
  $('auth-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const register = e.submitter?.value === 'register';
    const username = $('auth-username').value.trim();
    const password = $('auth-password').value;
    const error = $('auth-error');
    error.textContent = '';
    if (!username || !password) {
      error.textContent = 'Enter a username and a password.';
      return;
    }
    const buttons = $('auth-form').querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      if (register) await app.api.register(username, password, $('auth-display').value.trim());
      else await app.api.login(username, password);
      $('auth-password').value = '';
      await enterChat();
    } catch (err) {
      error.textContent = err.message;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  $('logout').addEventListener('click', async () => {
    await app.api.logout();
    showAuth();
    history.pushState(null, '', '/');
  });
}

function showAuth(message = '') {
  live.stop();
  closeRoom({ push: false });
  resetState();
  readyCount = 0;
  $('chat-view').hidden = true;
  $('whoami').hidden = true;
  $('connection').textContent = '';
  $('auth-view').hidden = false;
  $('auth-error').textContent = message;
  $('auth-username').focus();
}

async function enterChat() {
  app.me = app.api.user;
  rememberUser(app.me);
  $('me-name').textContent = `Signed in as ${app.me.displayName} (@${app.me.username})`;
  $('whoami').hidden = false;
  $('auth-view').hidden = true;
  $('chat-view').hidden = false;
  live.start();
  try {
    await loadRooms();
  } catch (e) {
    toast(e.message);
  }
  await route();
}

async function route() {
  const link = DEEP_LINK.exec(location.pathname);
  if (link) await openRoom(decodeURIComponent(link[1]), { push: false });
  else closeRoom({ push: false });
}

/**
 * After every (re)connection: what happened while there was no connection is fetched over REST. The open
 * room catches up with ?after=, receipts come back with the members, the room list with its unread counts.
 */
async function resync(reconnected) {
  await loadRooms({ refreshPresence: reconnected });
  if (currentRoomId()) {
    await Promise.all([catchUp(), reloadMembers()]);
    renderHeader();
  }
}

function dispatch(event) {
  const { type, roomId, data } = event;
  switch (type) {
    case 'message.created':
      listOnMessage(data, isReading(data.roomId));
      onMessageCreated(data);
      break;
    case 'message.updated':
      onMessageChanged(data.roomId, data);
      onMessageUpdated(data);
      break;
    case 'message.deleted':
      onMessageChanged(roomId, { id: data.id, deleted: true, body: null });
      onMessageDeleted(roomId, data);
      break;
    case 'typing':
      onTyping(roomId, data.userId, data.typing);
      break;
    case 'receipt':
      onReceipt(roomId, data);
      break;
    case 'presence':
      rememberUser({ id: data.userId, online: data.online, lastSeenAt: data.lastSeenAt });
      renderRooms();
      renderHeader();
      refreshMembersDialog();
      break;
    case 'member.added':
      if (!onMemberAdded(data)) reloadRoomsSoon();
      break;
    case 'member.removed':
      onMemberRemoved(data);
      break;
    case 'room.updated': {
      const room = app.rooms.get(data.id);
      if (room) Object.assign(room, data);
      renderRooms();
      if (data.id === currentRoomId()) renderHeader();
      break;
    }
    default:
      break; // an event this client does not know yet
  }
}

function onReceipt(roomId, { userId, type, seq }) {
  const member = app.members.get(roomId)?.get(userId);
  if (member) {
    member.lastDeliveredSeq = Math.max(member.lastDeliveredSeq ?? 0, seq);
    if (type === 'read') member.lastReadSeq = Math.max(member.lastReadSeq ?? 0, seq);
  }
  const room = app.rooms.get(roomId);
  if (userId === app.me.id && type === 'read' && room) {
    // Read on another device or tab.
    room.lastReadSeq = Math.max(room.lastReadSeq ?? 0, seq);
    if (seq >= room.lastSeq) room.unreadCount = 0;
    renderRooms();
  }
  if (roomId === currentRoomId()) updateReceipt();
}

function showConnection({ state, retryInMs }) {
  const el = $('connection');
  el.dataset.state = state;
  if (state === 'online') el.textContent = 'Connected';
  else if (state === 'connecting') el.textContent = 'Connecting…';
  else el.textContent = `Offline, reconnecting in ${Math.ceil(retryInMs / 1000)} s`;
}

async function start() {
  setupAuth();
  setupConversation();
  setupPeople();
  window.addEventListener('popstate', () => {
    if (app.me) route();
  });
  if (await app.api.resume()) await enterChat();
  else if ($('auth-view').hidden) showAuth(); // (unless the ended session already showed it, with a reason)
}

start();
