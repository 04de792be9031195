// What the client knows, shared by its views: the signed-in user, the rooms, members and people seen.
import { $, h, shortTime, srOnly } from './dom.js';

export const app = {
  api: null,
  me: null,
  /** roomId -> RoomSummary of API.md, plus peerId for direct rooms. */
  rooms: new Map(),
  /** roomId -> Map(userId -> Member), for the rooms whose members were loaded. */
  members: new Map(),
  /** userId -> User, with online/lastSeenAt once known. */
  users: new Map(),
};

export function resetState() {
  app.me = null;
  app.rooms.clear();
  app.members.clear();
  app.users.clear();
}

export function rememberUser(user) {
  const known = app.users.get(user.id);
  app.users.set(user.id, { ...known, ...user });
}

export function userName(userId) {
  return app.users.get(userId)?.displayName ?? 'Someone who left';
}

export async function loadMembers(roomId) {
  const { items } = await app.api.request('GET', `/api/rooms/${roomId}/members`);
  const members = new Map();
  for (const member of items) {
    members.set(member.userId, member);
    rememberUser({ id: member.userId, username: member.username, displayName: member.displayName });
  }
  app.members.set(roomId, members);
  return members;
}

/** GET /api/users/{id}: the user with online and lastSeenAt. */
export async function loadPresence(userId) {
  try {
    rememberUser(await app.api.request('GET', `/api/users/${userId}`));
  } catch {
    // a user who is gone keeps the last known state
  }
  return app.users.get(userId);
}

export function roomTitle(room) {
  if (room.type === 'direct') return room.peerId ? userName(room.peerId) : 'Direct conversation';
  return room.name;
}

export function presenceText(user) {
  if (!user || user.online === undefined) return '';
  if (user.online) return 'online';
  return user.lastSeenAt ? `offline, last seen ${shortTime(user.lastSeenAt)}` : 'offline';
}

/** A coloured dot; the words go to screen readers through the caller's text. */
export function presenceDot(user) {
  const state = user?.online === undefined ? 'unknown' : user.online ? 'online' : 'offline';
  return h('span', { class: `dot ${state}`, 'aria-hidden': 'true' });
}

export function presenceLabel(user) {
  return user?.online === undefined ? null : srOnly(user.online ? ' (online)' : ' (offline)');
}

let toastTimer;
/** Shows an error (or a notice) in words; screen readers announce it (role=alert). */
export function toast(message) {
  const el = $('toast');
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 8000);
}
