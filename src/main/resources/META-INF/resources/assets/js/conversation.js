// The open room: its history (paged backwards with before=), the composer (send, reply, edit), live
// updates, the typing line and the "seen by" receipt under your latest message.
import { $, h, longTime, shortTime, srOnly, uuid } from './dom.js';
import {
  app, loadMembers, loadPresence, presenceText, roomTitle, toast, userName,
} from './state.js';
import { addRoom, renderRooms } from './rooms.js';
import { refreshMembersDialog } from './people.js';

const PAGE = 50;
/** Send typing:true at most this often while the user types, typing:false after this much quiet. */
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;
/** Someone else's "typing" lapses if it is not repeated. */
const TYPING_SHOWN_MS = 6000;

const view = {
  roomId: null,
  token: 0,
  bySeq: new Map(),
  nodes: new Map(),
  seqById: new Map(),
  oldestSeq: null,
  newestSeq: 0,
  hasOlder: false,
  loadingOlder: false,
  readSent: 0,
  replyTo: null,
  editing: null,
  draftClientId: null,
  typingSentAt: 0,
  typingIdle: null,
  receiptSeq: null,
};

/** roomId -> Map(userId -> timer) of people typing. */
const typing = new Map();

export const currentRoomId = () => view.roomId;
export const isReading = (roomId) => view.roomId === roomId && document.visibilityState === 'visible';

export function setupConversation() {
  const box = $('messages');
  box.addEventListener('scroll', () => {
    if (box.scrollTop < 80) loadOlder();
  });
  $('load-older').addEventListener('click', () => loadOlder());
  $('back').addEventListener('click', () => closeRoom());
  const input = $('message-input');
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    } else if (e.key === 'Escape' && (view.replyTo || view.editing)) {
      e.preventDefault();
      cancelCompose();
    }
  });
  input.addEventListener('input', onComposerInput);
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  $('compose-cancel').addEventListener('click', () => cancelCompose());
  document.addEventListener('visibilitychange', () => markRead());
}

export async function openRoom(roomId, { push = true } = {}) {
  if (view.roomId && view.roomId !== roomId) stopTyping();
  const token = ++view.token;
  Object.assign(view, {
    roomId, bySeq: new Map(), nodes: new Map(), seqById: new Map(), oldestSeq: null, newestSeq: 0,
    hasOlder: false, loadingOlder: false, replyTo: null, editing: null, draftClientId: null, receiptSeq: null,
  });
  if (push && location.pathname !== `/rooms/${roomId}`) history.pushState(null, '', `/rooms/${roomId}`);
  $('message-list').replaceChildren();
  $('composer-error').textContent = '';
  $('message-input').value = '';
  renderCompose();
  $('no-room').hidden = true;
  $('room-panel').hidden = false;
  $('chat-view').classList.add('room-open');
  renderRooms();
  try {
    let room = app.rooms.get(roomId);
    if (!room) room = await addRoom(await app.api.request('GET', `/api/rooms/${roomId}`));
    renderHeader();
    const [members, page] = await Promise.all([
      loadMembers(roomId),
      app.api.request('GET', `/api/rooms/${roomId}/messages?limit=${PAGE}`),
    ]);
    if (token !== view.token) return;
    if (room.type === 'direct' && !room.peerId) room.peerId = [...members.keys()].find((id) => id !== app.me.id);
    view.readSent = room.lastReadSeq ?? 0;
    page.items.forEach(upsert);
    view.hasOlder = page.hasMore;
    renderHeader();
    renderOlderButton();
    renderTyping();
    updateReceipt();
    scrollToBottom();
    markRead();
    $('message-input').focus();
    if (room.type === 'direct' && room.peerId) {
      await loadPresence(room.peerId);
      if (token === view.token) renderHeader();
      renderRooms();
    }
  } catch (e) {
    if (token !== view.token) return;
    if (e.status === 404) {
      toast('That conversation does not exist, or you are not a member of it.');
      closeRoom();
    } else {
      toast(e.message);
    }
  }
}

export function closeRoom({ push = true } = {}) {
  stopTyping();
  view.token += 1;
  view.roomId = null;
  $('room-panel').hidden = true;
  $('no-room').hidden = false;
  $('chat-view').classList.remove('room-open');
  document.title = 'Chat';
  if (push && location.pathname !== '/') history.pushState(null, '', '/');
  renderRooms();
}

export function renderHeader() {
  const room = app.rooms.get(view.roomId);
  if (!room) return;
  const title = roomTitle(room);
  $('room-title').textContent = title;
  document.title = `${title} - Chat`;
  const subtitle = $('room-subtitle');
  if (room.type === 'direct') {
    const peer = app.users.get(room.peerId);
    subtitle.replaceChildren(
      h('span', { class: `dot ${peer?.online ? 'online' : 'offline'}`, 'aria-hidden': 'true' }),
      presenceText(peer) || ' ',
    );
  } else {
    subtitle.textContent = `Group, ${room.memberCount} ${room.memberCount === 1 ? 'member' : 'members'}`;
  }
}

function renderOlderButton() {
  $('load-older').hidden = !view.hasOlder;
}

async function loadOlder() {
  if (!view.roomId || !view.hasOlder || view.loadingOlder || view.oldestSeq == null) return;
  const { roomId, token } = view;
  view.loadingOlder = true;
  try {
    const page = await app.api.request('GET', `/api/rooms/${roomId}/messages?before=${view.oldestSeq}&limit=${PAGE}`);
    if (token !== view.token) return;
    const box = $('messages');
    const fromBottom = box.scrollHeight - box.scrollTop;
    page.items.forEach(upsert);
    view.hasOlder = page.hasMore;
    renderOlderButton();
    box.scrollTop = box.scrollHeight - fromBottom; // keep the message that was on screen where it was
  } catch (e) {
    toast(e.message);
  } finally {
    if (token === view.token) view.loadingOlder = false;
  }
}

/** Fills the gap after a reconnection, or when a live event skipped a seq: GET ...?after=<newest seen>. */
export async function catchUp() {
  const { roomId, token } = view;
  if (!roomId) return;
  let page;
  do {
    page = await app.api.request('GET', `/api/rooms/${roomId}/messages?after=${view.newestSeq}&limit=200`);
    if (token !== view.token) return;
    page.items.forEach(upsert);
  } while (page.hasMore && page.items.length > 0);
  updateReceipt();
  markRead();
}

/** Brings the members (their receipts) up to date, after a reconnection. */
export async function reloadMembers() {
  if (!view.roomId) return;
  await loadMembers(view.roomId);
  updateReceipt();
  refreshMembersDialog();
}

function upsert(message) {
  const known = view.bySeq.get(message.seq);
  if (known && isOlderVersion(message, known)) return;
  view.bySeq.set(message.seq, message);
  view.seqById.set(message.id, message.seq);
  const node = renderMessage(message);
  const old = view.nodes.get(message.seq);
  const list = $('message-list');
  if (old) {
    old.replaceWith(node);
  } else if (message.seq > view.newestSeq) {
    list.append(node);
  } else {
    const next = [...view.nodes.keys()].filter((s) => s > message.seq).sort((a, b) => a - b)[0];
    list.insertBefore(node, next === undefined ? null : view.nodes.get(next));
  }
  view.nodes.set(message.seq, node);
  view.newestSeq = Math.max(view.newestSeq, message.seq);
  view.oldestSeq = view.oldestSeq == null ? message.seq : Math.min(view.oldestSeq, message.seq);
  if (view.receiptSeq === message.seq) view.receiptSeq = null;
  // Replies quote this message: show them its new text.
  for (const other of view.bySeq.values()) {
    if (other.replyToId === message.id && other.seq !== message.seq) {
      const quoting = renderMessage(other);
      view.nodes.get(other.seq).replaceWith(quoting);
      view.nodes.set(other.seq, quoting);
    }
  }
}

function isOlderVersion(candidate, known) {
  if (known.deleted && !candidate.deleted) return true;
  return Boolean(known.editedAt && (!candidate.editedAt || candidate.editedAt < known.editedAt));
}

function myRole() {
  return app.members.get(view.roomId)?.get(app.me.id)?.role;
}

function renderMessage(message) {
  const mine = message.senderId === app.me.id;
  const author = mine ? 'You' : userName(message.senderId);
  const bodyId = `body-${message.id}`;
  const canDelete = mine || ['owner', 'admin'].includes(myRole());
  return h(
    'li',
    { class: `message${mine ? ' mine' : ''}${message.deleted ? ' deleted' : ''}`, dataset: { seq: message.seq } },
    h(
      'div',
      { class: 'meta' },
      h('span', { class: 'author' }, author),
      h('time', { datetime: message.createdAt, title: longTime(message.createdAt) }, shortTime(message.createdAt)),
      message.editedAt && !message.deleted ? h('span', { class: 'edited' }, '(edited)') : null,
    ),
    message.replyToId ? quote(message.replyToId) : null,
    message.deleted
      ? h('p', { class: 'body tombstone', id: bodyId }, 'This message was deleted.')
      : h('p', { class: 'body', id: bodyId }, message.body),
    message.deleted
      ? null
      : h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'link', 'aria-describedby': bodyId, onclick: () => startReply(message) },
          'Reply'),
        mine
          ? h('button', { type: 'button', class: 'link', 'aria-describedby': bodyId, onclick: () => startEdit(message) },
            'Edit')
          : null,
        canDelete
          ? h('button', {
            type: 'button', class: 'link danger', 'aria-describedby': bodyId, onclick: () => deleteMessage(message),
          }, 'Delete')
          : null,
      ),
    h('p', { class: 'receipt', hidden: true }),
  );
}

function quote(messageId) {
  const target = view.bySeq.get(view.seqById.get(messageId));
  if (!target) return h('p', { class: 'quote' }, 'In reply to an earlier message');
  const who = target.senderId === app.me.id ? 'You' : userName(target.senderId);
  const text = target.deleted ? 'a deleted message' : target.body;
  return h('p', { class: 'quote' }, srOnly('In reply to '), h('span', { class: 'quote-author' }, who), ': ', text);
}

/** "Seen by" under your latest message, from the members' read watermarks (kept current by receipts). */
export function updateReceipt() {
  if (!view.roomId) return;
  const previous = view.nodes.get(view.receiptSeq)?.querySelector('.receipt');
  if (previous) previous.hidden = true;
  const mineSeqs = [...view.bySeq.values()]
    .filter((m) => m.senderId === app.me.id && !m.deleted)
    .map((m) => m.seq);
  if (mineSeqs.length === 0) return;
  const seq = Math.max(...mineSeqs);
  const others = [...(app.members.get(view.roomId)?.values() ?? [])].filter((m) => m.userId !== app.me.id);
  const readers = others.filter((m) => m.lastReadSeq >= seq).map((m) => m.displayName);
  let text;
  if (readers.length > 3) text = `Seen by ${readers.slice(0, 3).join(', ')} and ${readers.length - 3} more`;
  else if (readers.length > 0) text = `Seen by ${readers.join(', ')}`;
  else if (others.some((m) => m.lastDeliveredSeq >= seq)) text = 'Delivered';
  else text = 'Sent';
  const el = view.nodes.get(seq).querySelector('.receipt');
  el.textContent = text;
  el.hidden = false;
  view.receiptSeq = seq;
}

function scrollToBottom() {
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

function nearBottom() {
  const box = $('messages');
  return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
}

/** Tells the server how far this user has read, when the room is on screen. */
export function markRead() {
  if (!view.roomId || document.visibilityState !== 'visible') return;
  const seq = view.newestSeq;
  const room = app.rooms.get(view.roomId);
  if (room && room.unreadCount) {
    room.unreadCount = 0;
    renderRooms();
  }
  if (!seq || seq <= view.readSent) return;
  view.readSent = seq;
  if (room) room.lastReadSeq = Math.max(room.lastReadSeq ?? 0, seq);
  const roomId = view.roomId;
  app.api.request('POST', `/api/rooms/${roomId}/receipts`, { type: 'read', seq }).catch((e) => {
    if (view.roomId === roomId && e.status !== 404) view.readSent = 0;
  });
}

// --- live events for the open room ---

export function onMessageCreated(message) {
  if (message.roomId !== view.roomId) return;
  const wasNearBottom = nearBottom();
  const gap = view.newestSeq > 0 && message.seq > view.newestSeq + 1;
  upsert(message);
  clearTyping(message.roomId, message.senderId);
  if (gap) catchUp().catch(() => {});
  if (wasNearBottom || message.senderId === app.me.id) scrollToBottom();
  updateReceipt();
  markRead();
}

export function onMessageUpdated(message) {
  if (message.roomId === view.roomId && view.bySeq.has(message.seq)) upsert(message);
}

export function onMessageDeleted(roomId, { id, seq }) {
  const known = view.bySeq.get(seq);
  if (roomId !== view.roomId || !known || known.id !== id) return;
  upsert({ ...known, deleted: true, body: null });
  if (view.editing?.id === id || view.replyTo?.id === id) cancelCompose();
  updateReceipt();
}

export function onTyping(roomId, userId, isTyping) {
  if (userId === app.me.id) return;
  const people = typing.get(roomId) ?? new Map();
  typing.set(roomId, people);
  clearTimeout(people.get(userId));
  if (isTyping) {
    people.set(userId, setTimeout(() => clearTyping(roomId, userId), TYPING_SHOWN_MS));
  } else {
    people.delete(userId);
  }
  renderTyping();
}

function clearTyping(roomId, userId) {
  const people = typing.get(roomId);
  if (!people?.has(userId)) return;
  clearTimeout(people.get(userId));
  people.delete(userId);
  renderTyping();
}

function renderTyping() {
  const names = [...(typing.get(view.roomId)?.keys() ?? [])].map(userName);
  let text = '';
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = 'Several people are typing…';
  $('typing').textContent = text;
}

// --- composing ---

function startReply(message) {
  view.editing = null;
  view.replyTo = message;
  renderCompose();
  $('message-input').focus();
}

function startEdit(message) {
  view.replyTo = null;
  view.editing = message;
  $('message-input').value = message.body;
  renderCompose();
  $('message-input').focus();
}

function cancelCompose() {
  if (view.editing) $('message-input').value = '';
  view.replyTo = null;
  view.editing = null;
  renderCompose();
  $('message-input').focus();
}

function renderCompose() {
  const context = view.editing ? 'Editing your message' : view.replyTo
    ? `Replying to ${view.replyTo.senderId === app.me?.id ? 'yourself' : userName(view.replyTo.senderId)}: ${view.replyTo.body}`
    : '';
  $('compose-context').hidden = !context;
  $('compose-context-text').textContent = context;
  $('compose-cancel').textContent = view.editing ? 'Cancel edit' : 'Cancel reply';
  $('send').textContent = view.editing ? 'Save' : 'Send';
}

async function submit() {
  const input = $('message-input');
  const text = input.value;
  const error = $('composer-error');
  error.textContent = '';
  if (!view.roomId) return;
  if (!text.trim()) {
    error.textContent = 'Write something first: a message cannot be empty.';
    return;
  }
  const { roomId, editing, replyTo } = view;
  const send = $('send');
  send.disabled = true;
  try {
    if (editing) {
      const updated = await app.api.request('PATCH', `/api/rooms/${roomId}/messages/${editing.id}`, { body: text });
      if (view.roomId !== roomId) return;
      upsert(updated);
    } else {
      // One id per draft: if the answer is lost and the user sends again, the server keeps one message.
      view.draftClientId ??= uuid();
      const body = { body: text, clientMessageId: view.draftClientId };
      if (replyTo) body.replyToId = replyTo.id;
      const message = await app.api.request('POST', `/api/rooms/${roomId}/messages`, body);
      view.typingSentAt = 0;
      clearTimeout(view.typingIdle);
      if (view.roomId !== roomId) return;
      view.draftClientId = null;
      view.readSent = Math.max(view.readSent, message.seq); // sending reads up to one's own message
      upsert(message);
      scrollToBottom();
      updateReceipt();
    }
    input.value = '';
    view.replyTo = null;
    view.editing = null;
    renderCompose();
  } catch (e) {
    error.textContent = e.message;
  } finally {
    send.disabled = false;
    if (view.roomId === roomId) input.focus();
  }
}

async function deleteMessage(message) {
  if (!window.confirm('Delete this message? Everyone will see that it was deleted.')) return;
  try {
    await app.api.request('DELETE', `/api/rooms/${message.roomId}/messages/${message.id}`);
    onMessageDeleted(message.roomId, message);
  } catch (e) {
    toast(e.message);
  }
}

function onComposerInput() {
  if (view.editing || !view.roomId) return;
  if (!$('message-input').value.trim()) {
    stopTyping();
    return;
  }
  const now = Date.now();
  if (now - view.typingSentAt > TYPING_REPEAT_MS) {
    view.typingSentAt = now;
    postTyping(view.roomId, true);
  }
  clearTimeout(view.typingIdle);
  view.typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(view.typingIdle);
  if (view.typingSentAt && view.roomId) postTyping(view.roomId, false);
  view.typingSentAt = 0;
}

function postTyping(roomId, isTyping) {
  app.api.request('POST', `/api/rooms/${roomId}/typing`, { typing: isTyping }).catch(() => {});
}
