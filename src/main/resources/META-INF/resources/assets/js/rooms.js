// The room list: most recent activity first, with unread badges, last message and presence of direct peers.
import { $, h, srOnly } from './dom.js';
import { app, loadMembers, loadPresence, presenceDot, presenceLabel, roomTitle, userName } from './state.js';
import { currentRoomId, openRoom } from './conversation.js';

export async function loadRooms({ refreshPresence = false } = {}) {
  const items = [];
  let cursor = null;
  do {
    const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await app.api.request('GET', `/api/rooms?limit=100${query}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < 1000);
  const known = app.rooms;
  app.rooms = new Map(items.map((room) => [room.id, { ...room, peerId: known.get(room.id)?.peerId }]));
  await Promise.all(
    items.filter((room) => room.type === 'direct').map((room) => findPeer(app.rooms.get(room.id), refreshPresence)),
  );
  renderRooms();
}

/** Adds a room the client learnt of (created, or joined) without reloading the list. */
export async function addRoom(room) {
  const known = app.rooms.get(room.id);
  const summary = { lastMessage: null, unreadCount: 0, lastReadSeq: 0, ...known, ...room };
  app.rooms.set(room.id, summary);
  if (summary.type === 'direct') await findPeer(summary, false);
  renderRooms();
  return summary;
}

async function findPeer(room, refreshPresence) {
  try {
    if (!room.peerId) {
      const members = await loadMembers(room.id);
      room.peerId = [...members.keys()].find((id) => id !== app.me.id);
      refreshPresence = true;
    }
    if (room.peerId && refreshPresence) await loadPresence(room.peerId);
  } catch {
    // the room went away meanwhile: the next event or reload tells
  }
}

let reloadTimer;
/** Several events may ask for a reload at once: one is enough. */
export function reloadRoomsSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => loadRooms().catch(() => {}), 300);
}

function activity(room) {
  return room.lastMessage?.createdAt ?? room.createdAt;
}

export function renderRooms() {
  const list = $('room-list');
  const focused = document.activeElement?.dataset?.roomId;
  const rooms = [...app.rooms.values()].sort((a, b) => activity(b).localeCompare(activity(a)));
  list.replaceChildren(...rooms.map(roomItem));
  $('rooms-empty').hidden = rooms.length > 0;
  if (focused) list.querySelector(`[data-room-id="${CSS.escape(focused)}"]`)?.focus();
}

function roomItem(room) {
  const peer = room.type === 'direct' ? app.users.get(room.peerId) : null;
  const unread = room.unreadCount > 0;
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: `room-item${unread ? ' unread' : ''}`,
        'aria-current': room.id === currentRoomId() ? 'page' : null,
        dataset: { roomId: room.id },
        onclick: () => openRoom(room.id),
      },
      h(
        'span',
        { class: 'room-line' },
        room.type === 'direct' ? presenceDot(peer) : h('span', { class: 'group-mark', 'aria-hidden': 'true' }, '#'),
        h('span', { class: 'room-name' }, roomTitle(room)),
        room.type === 'direct' ? presenceLabel(peer) : null,
        unread
          ? h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true' }, String(room.unreadCount)),
            srOnly(`, ${room.unreadCount} unread`))
          : null,
      ),
      h('span', { class: 'preview' }, srOnly(', '), preview(room)),
    ),
  );
}

function preview(room) {
  const last = room.lastMessage;
  if (!last) return 'No messages yet';
  if (last.deleted) return 'Message deleted';
  const who = last.senderId === app.me.id ? 'You: ' : room.type === 'group' ? `${userName(last.senderId)}: ` : '';
  return who + last.body;
}

/** Live: a new message moves its room up, counts as unread unless it is being read, and is acknowledged. */
export function onMessageCreated(message, beingRead) {
  const room = app.rooms.get(message.roomId);
  if (!room) {
    reloadRoomsSoon();
    return;
  }
  const isNew = message.seq > (room.lastSeq ?? 0); // not one already counted (after a catch-up, say)
  room.lastSeq = Math.max(room.lastSeq ?? 0, message.seq);
  if (!room.lastMessage || message.seq >= room.lastMessage.seq) room.lastMessage = message;
  if (isNew && message.senderId !== app.me.id && !beingRead) {
    room.unreadCount = (room.unreadCount ?? 0) + 1;
    app.api
      .request('POST', `/api/rooms/${room.id}/receipts`, { type: 'delivered', seq: message.seq })
      .catch(() => {});
  }
  renderRooms();
}

export function onMessageChanged(roomId, message) {
  const room = app.rooms.get(roomId);
  if (room?.lastMessage?.id === message.id) {
    room.lastMessage = { ...room.lastMessage, ...message };
    renderRooms();
  }
}
