// Finding people and managing who is in a room: the "new direct message" and "new group" dialogs, and the
// members dialog (add and remove for owners and admins, roles for the owner, leave for everyone).
import { $, debounce, h } from './dom.js';
import {
  app, loadMembers, loadPresence, presenceDot, presenceLabel, rememberUser, roomTitle, toast,
} from './state.js';
import { addRoom, renderRooms } from './rooms.js';
import { closeRoom, currentRoomId, openRoom, renderHeader, updateReceipt } from './conversation.js';

export function setupPeople() {
  for (const dialog of document.querySelectorAll('dialog')) {
    dialog.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => dialog.close()));
  }
  $('new-direct').addEventListener('click', openDirectDialog);
  $('new-group').addEventListener('click', openGroupDialog);
  $('show-members').addEventListener('click', openMembersDialog);
  $('leave-room').addEventListener('click', leaveRoom);
  $('group-form').addEventListener('submit', (e) => {
    e.preventDefault();
    createGroup();
  });

  searchBox($('direct-search'), $('direct-results'), $('direct-error'), (user) =>
    h('button', { type: 'button', onclick: () => startDirect(user) },
      `Message ${user.displayName} (@${user.username})`));
  searchBox($('group-search'), $('group-results'), $('group-error'), (user) =>
    h('button', { type: 'button', onclick: () => selectForGroup(user) }, `Add ${user.displayName} (@${user.username})`));
  searchBox($('member-search'), $('member-results'), $('members-error'), (user) =>
    h('button', { type: 'button', onclick: () => addMember(user) }, `Add ${user.displayName} (@${user.username})`),
  (user) => !app.members.get(currentRoomId())?.has(user.id));
}

/** A search field that lists matching people (GET /api/users?query=) as it is typed in. */
function searchBox(input, results, error, action, keep = () => true) {
  let latest = 0;
  input.addEventListener('input', debounce(async () => {
    const query = input.value.trim();
    const mine = ++latest;
    error.textContent = '';
    if (!query) {
      results.replaceChildren();
      return;
    }
    try {
      const { items } = await app.api.request('GET', `/api/users?query=${encodeURIComponent(query)}&limit=10`);
      if (mine !== latest) return;
      items.forEach(rememberUser);
      const people = items.filter((u) => u.id !== app.me.id && keep(u));
      results.replaceChildren(...(people.length
        ? people.map((u) => h('li', {}, action(u)))
        : [h('li', { class: 'muted' }, `No one found for “${query}”.`)]));
    } catch (e) {
      if (mine === latest) error.textContent = e.message;
    }
  }, 200));
}

function resetSearch(input, results, error) {
  input.value = '';
  results.replaceChildren();
  error.textContent = '';
}

// --- direct conversations ---

function openDirectDialog() {
  resetSearch($('direct-search'), $('direct-results'), $('direct-error'));
  $('direct-dialog').showModal();
  $('direct-search').focus();
}

async function startDirect(user) {
  try {
    const room = await app.api.request('POST', '/api/rooms/direct', { userId: user.id });
    await addRoom({ ...room, peerId: user.id });
    loadPresence(user.id).then(renderRooms);
    $('direct-dialog').close();
    openRoom(room.id);
  } catch (e) {
    $('direct-error').textContent = e.message;
  }
}

// --- groups ---

const selected = new Map();

function openGroupDialog() {
  selected.clear();
  $('group-name').value = '';
  resetSearch($('group-search'), $('group-results'), $('group-error'));
  renderSelected();
  $('group-dialog').showModal();
  $('group-name').focus();
}

function selectForGroup(user) {
  selected.set(user.id, user);
  renderSelected();
  $('group-search').focus();
}

function renderSelected() {
  const list = $('group-selected');
  list.replaceChildren(...(selected.size
    ? [...selected.values()].map((user) => h('li', { class: 'chip' }, user.displayName,
      h('button', {
        type: 'button', class: 'small secondary', 'aria-label': `Remove ${user.displayName} from the new group`,
        onclick: () => {
          selected.delete(user.id);
          renderSelected();
        },
      }, '×')))
    : [h('li', { class: 'muted' }, 'Only you, so far.')]));
}

async function createGroup() {
  const error = $('group-error');
  error.textContent = '';
  try {
    const room = await app.api.request('POST', '/api/rooms', {
      name: $('group-name').value.trim(),
      memberIds: [...selected.keys()],
    });
    await addRoom(room);
    $('group-dialog').close();
    openRoom(room.id);
  } catch (e) {
    error.textContent = e.message;
  }
}

// --- members of the open room ---

async function openMembersDialog() {
  const roomId = currentRoomId();
  if (!roomId) return;
  resetSearch($('member-search'), $('member-results'), $('members-error'));
  $('members-title').textContent = `Members of ${roomTitle(app.rooms.get(roomId))}`;
  $('members-dialog').showModal();
  try {
    const members = await loadMembers(roomId);
    renderMembers();
    await Promise.all([...members.keys()].slice(0, 50).map(loadPresence));
    renderMembers();
  } catch (e) {
    $('members-error').textContent = e.message;
  }
}

/** Re-draws the members dialog if it is open (after live member, presence or receipt events). */
export function refreshMembersDialog() {
  if ($('members-dialog').open) renderMembers();
}

function renderMembers() {
  const roomId = currentRoomId();
  const room = app.rooms.get(roomId);
  const members = app.members.get(roomId);
  if (!room || !members) return;
  const myRole = members.get(app.me.id)?.role;
  const group = room.type === 'group';
  const ordered = [...members.values()].sort((a, b) => rank(a.role) - rank(b.role)
    || a.displayName.localeCompare(b.displayName));
  $('member-list').replaceChildren(...ordered.map((member) => {
    const user = app.users.get(member.userId);
    const self = member.userId === app.me.id;
    const canRemove = group && !self && (myRole === 'owner' || (myRole === 'admin' && member.role === 'member'));
    const canChangeRole = group && !self && myRole === 'owner';
    return h('li', { class: 'member' },
      presenceDot(user),
      h('span', { class: 'member-name' }, member.displayName, self ? ' (you)' : '', presenceLabel(user)),
      h('span', { class: 'muted' }, `@${member.username}`),
      h('span', { class: `role role-${member.role}` }, member.role),
      canChangeRole
        ? h('button', {
          type: 'button', class: 'small secondary',
          'aria-label': `Make ${member.displayName} ${member.role === 'admin' ? 'a plain member' : 'an admin'}`,
          onclick: () => changeRole(member, member.role === 'admin' ? 'member' : 'admin'),
        }, member.role === 'admin' ? 'Make member' : 'Make admin')
        : null,
      canRemove
        ? h('button', {
          type: 'button', class: 'small danger', 'aria-label': `Remove ${member.displayName}`,
          onclick: () => removeMember(member),
        }, 'Remove')
        : null);
  }));
  $('member-add').hidden = !(group && (myRole === 'owner' || myRole === 'admin'));
  $('leave-room').hidden = !group;
}

const rank = (role) => ({ owner: 0, admin: 1, member: 2 })[role] ?? 3;

async function addMember(user) {
  const roomId = currentRoomId();
  try {
    const member = await app.api.request('POST', `/api/rooms/${roomId}/members`, { userId: user.id });
    app.members.get(roomId)?.set(member.userId, member);
    resetSearch($('member-search'), $('member-results'), $('members-error'));
    renderMembers();
    $('member-search').focus();
    await loadPresence(member.userId);
    refreshMembersDialog();
  } catch (e) {
    $('members-error').textContent = e.message;
  }
}

async function removeMember(member) {
  const roomId = currentRoomId();
  try {
    await app.api.request('DELETE', `/api/rooms/${roomId}/members/${member.userId}`);
    app.members.get(roomId)?.delete(member.userId);
    renderMembers();
  } catch (e) {
    $('members-error').textContent = e.message;
  }
}

async function changeRole(member, role) {
  const roomId = currentRoomId();
  try {
    const updated = await app.api.request('PATCH', `/api/rooms/${roomId}/members/${member.userId}`, { role });
    app.members.get(roomId)?.set(updated.userId, updated);
    renderMembers();
  } catch (e) {
    $('members-error').textContent = e.message;
  }
}

async function leaveRoom() {
  const roomId = currentRoomId();
  if (!roomId || !window.confirm('Leave this conversation? You will no longer see its messages.')) return;
  try {
    await app.api.request('DELETE', `/api/rooms/${roomId}/members/${app.me.id}`);
    $('members-dialog').close();
    forgetRoom(roomId);
  } catch (e) {
    $('members-error').textContent = e.message;
  }
}

/** The user is no longer in the room (left, or was removed). */
export function forgetRoom(roomId, notice) {
  const room = app.rooms.get(roomId);
  app.rooms.delete(roomId);
  app.members.delete(roomId);
  if (currentRoomId() === roomId) {
    if ($('members-dialog').open) $('members-dialog').close();
    closeRoom();
    if (notice && room) toast(`You are no longer a member of ${roomTitle(room)}.`);
  }
  renderRooms();
}

// --- live member events ---

export function onMemberAdded({ room, member }) {
  if (member.userId === app.me.id) return false; // the caller reloads the room list
  const known = app.rooms.get(room.id);
  if (known) Object.assign(known, { memberCount: room.memberCount, name: room.name });
  app.members.get(room.id)?.set(member.userId, member);
  rememberUser({ id: member.userId, username: member.username, displayName: member.displayName });
  if (room.id === currentRoomId()) {
    renderHeader();
    refreshMembersDialog();
  }
  return true;
}

export function onMemberRemoved({ roomId, userId }) {
  if (userId === app.me.id) {
    forgetRoom(roomId, true);
    return;
  }
  const members = app.members.get(roomId);
  const room = app.rooms.get(roomId);
  if (members?.delete(userId) && room) room.memberCount = Math.max(1, room.memberCount - 1);
  if (roomId === currentRoomId()) {
    renderHeader();
    updateReceipt();
    refreshMembersDialog();
  }
}
