package dev.chat.room;

import dev.chat.common.Db;
import dev.chat.common.ProblemException;
import dev.chat.common.Times;
import dev.chat.fanout.EventFrame;
import dev.chat.fanout.EventType;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.RoomEvent;
import dev.chat.user.User;
import dev.chat.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Rooms and memberships. Every change commits first and is published to the fan-out after ({@code .invoke}
 * after {@code Panache.withTransaction}), so that no event describes a rolled-back change. Membership changes
 * lock the room row, which serializes them per room (member count, owner hand-over) and orders them with
 * the sends that lock the same row.
 */
@ApplicationScoped
public class RoomService {

    /** A room answer that may be new (201) or an existing one (200). */
    public record Outcome(RoomView room, boolean created) {}

    /** The {@code data} of {@code member.added}. */
    @RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
    public record MemberAdded(RoomView room, MemberView member) {}

    /** The {@code data} of {@code member.removed}. */
    @RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
    public record MemberRemoved(UUID roomId, UUID userId) {}

    /** New members and the stream position of the first one's event (the others follow it). */
    private record Added(RoomView room, List<MemberView> members, long firstPosition) {}

    /**
     * After a removal: the room as it is now, or null when its last member left and it was deleted, and the
     * position of {@code member.removed} ({@code room.updated} takes the next one).
     */
    private record Removed(RoomView room, UUID userId, long position) {}

    /** A rename and the position of its {@code room.updated}. */
    private record Renamed(RoomView room, long position) {}

    /** A role change and the position it took. */
    private record RoleChanged(MemberView member, long position) {}

    private static final String DIRECT_PAIR_INDEX = "rooms_direct_pair";

    private static final String DIRECT_MEMBERS_FIXED = "A direct room has exactly its two members.";

    private final RoomRepository rooms;
    private final MembershipRepository memberships;
    private final UserRepository users;
    private final RoomListQuery list;
    private final Fanout fanout;
    private final EventFrame frames;

    RoomService(
            RoomRepository rooms,
            MembershipRepository memberships,
            UserRepository users,
            RoomListQuery list,
            Fanout fanout,
            EventFrame frames) {
        this.rooms = rooms;
        this.memberships = memberships;
        this.users = users;
        this.list = list;
        this.fanout = fanout;
        this.frames = frames;
    }

    /**
     * A group room; the creator is its owner. {@code memberIds} naming the creator or naming someone twice is
     * fine; any unknown id fails the whole request (400, {@code memberIds}) and nothing is created.
     */
    public Uni<RoomView> createGroup(UUID creatorId, CreateRoomRequest request) {
        Set<UUID> everyone = new LinkedHashSet<>();
        everyone.add(creatorId);
        if (request.memberIds() != null) {
            everyone.addAll(request.memberIds());
        }
        Instant now = Times.now();
        return Panache.withTransaction(() -> users.list("id in ?1", everyone).chain(found -> {
                    if (found.size() != everyone.size()) {
                        return Uni.createFrom()
                                .<Added>failure(ProblemException.invalid("memberIds", "contains ids of no user"));
                    }
                    Room room = newRoom(RoomType.GROUP, request.name().strip(), now, everyone.size());
                    room.lastEvent = everyone.size(); // one member.added each, positions 1..n
                    Map<UUID, User> byId = found.stream().collect(Collectors.toMap(u -> u.id, Function.identity()));
                    List<Membership> members = new ArrayList<>();
                    List<MemberView> views = new ArrayList<>();
                    for (UUID id : everyone) { // creator first: the owner is also the longest-standing member
                        Membership m = Membership.of(room.id, id, id.equals(creatorId) ? Role.OWNER : Role.MEMBER, now);
                        members.add(m);
                        views.add(MemberView.of(m, byId.get(id)));
                    }
                    return rooms.persist(room)
                            .chain(() -> memberships.persist(members))
                            .map(v -> new Added(RoomView.of(room), views, 1));
                }))
                .invoke(this::publishCreated)
                .map(Added::room);
    }

    /**
     * The one direct room of the caller and another user: created on the first call, the same room after.
     * Two first calls racing each other both insert; the unique index rooms_direct_pair lets one commit,
     * and the loser answers with the winner's room. An unknown user is 400 ({@code userId}), as an unknown
     * member id is for group rooms.
     */
    public Uni<Outcome> direct(UUID callerId, UUID otherId) {
        if (callerId.equals(otherId)) {
            return Uni.createFrom().failure(ProblemException.invalid("userId", "must not be yourself"));
        }
        // Ordered as PostgreSQL orders uuids (unsigned bytes), which is what rooms_direct_shape checks.
        boolean callerFirst = compareUnsigned(callerId, otherId) < 0;
        UUID a = callerFirst ? callerId : otherId;
        UUID b = callerFirst ? otherId : callerId;
        Instant now = Times.now();
        return Panache.withTransaction(() -> rooms.findDirect(a, b).chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().item(new Added(RoomView.of(existing), null, 0));
                    }
                    return users.list("id in ?1", List.of(a, b)).chain(found -> {
                        if (found.size() != 2) {
                            return Uni.createFrom().<Added>failure(ProblemException.invalid("userId", "no such user"));
                        }
                        Room room = newRoom(RoomType.DIRECT, null, now, 2);
                        room.directUserA = a;
                        room.directUserB = b;
                        room.lastEvent = 2;
                        List<Membership> members = List.of(
                                Membership.of(room.id, callerId, Role.MEMBER, now),
                                Membership.of(room.id, otherId, Role.MEMBER, now));
                        Map<UUID, User> byId = found.stream().collect(Collectors.toMap(u -> u.id, Function.identity()));
                        List<MemberView> views = members.stream()
                                .map(m -> MemberView.of(m, byId.get(m.userId)))
                                .toList();
                        return rooms.persist(room)
                                .chain(() -> memberships.persist(members))
                                .map(v -> new Added(RoomView.of(room), views, 1));
                    });
                }))
                .onFailure(e -> Db.isUniqueViolation(e, DIRECT_PAIR_INDEX))
                .recoverWithUni(() -> Panache.withSession(
                        () -> rooms.findDirect(a, b).map(room -> new Added(RoomView.of(room), null, 0))))
                .invoke(added -> {
                    if (added.members() != null) {
                        publishCreated(added);
                    }
                })
                .map(added -> new Outcome(added.room(), added.members() != null));
    }

    public Uni<RoomListQuery.Page> list(UUID callerId, int limit, String cursor) {
        return list.page(callerId, limit, cursor);
    }

    public Uni<RoomView> get(UUID callerId, UUID roomId) {
        return Panache.withSession(() -> membership(roomId, callerId).chain(() -> rooms.findById(roomId)))
                .map(RoomView::of);
    }

    /**
     * Owner or admin of a group room; a direct room has no name (400). The room row is locked like for member
     * changes: saving the entity writes its member count too, which must not be a stale one.
     */
    public Uni<RoomView> rename(UUID callerId, UUID roomId, String name) {
        return Panache.withTransaction(() -> lockAsMember(roomId, callerId).map(locked -> {
                    Room room = locked.room();
                    requireGroup(room, "A direct room has no name.");
                    requireOwnerOrAdmin(locked.me(), "Only the room's owner or an admin can rename it.");
                    room.name = name.strip();
                    return new Renamed(RoomView.of(room), ++room.lastEvent);
                }))
                .invoke(renamed -> publishRoomUpdated(renamed.room(), renamed.position()))
                .map(Renamed::room);
    }

    public Uni<List<MemberView>> members(UUID callerId, UUID roomId) {
        return Panache.withSession(() -> membership(roomId, callerId).chain(() -> memberships.listViews(roomId)));
    }

    /** Owner or admin of a group room. An unknown user is 400 ({@code userId}); a member already, 409. */
    public Uni<MemberView> addMember(UUID callerId, UUID roomId, UUID userId) {
        Instant now = Times.now();
        return Panache.withTransaction(() -> lockAsMember(roomId, callerId).chain(locked -> {
                    requireGroup(locked.room(), DIRECT_MEMBERS_FIXED);
                    requireOwnerOrAdmin(locked.me(), "Only the room's owner or an admin can add members.");
                    return users.findById(userId)
                            .onItem()
                            .ifNull()
                            .failWith(() -> ProblemException.invalid("userId", "no such user"))
                            .chain(user -> join(locked.room(), user, now));
                }))
                .invoke(added -> {
                    MemberView member = added.members().get(0);
                    RoomView room = added.room();
                    fanout.publish(RoomEvent.memberAdded(
                            room.id(), added.firstPosition(), member.userId(), memberAddedFrame(room, member)));
                    publishRoomUpdated(room, added.firstPosition() + 1);
                })
                .map(added -> added.members().get(0));
    }

    /** A user not in the locked room yet (409 if they are) joins as a plain member. */
    private Uni<Added> join(Room room, User user, Instant now) {
        return memberships.findMember(room.id, user.id).chain(existing -> {
            if (existing != null) {
                throw ProblemException.conflict("That user is already a member.");
            }
            Membership m = Membership.of(room.id, user.id, Role.MEMBER, now);
            room.memberCount++;
            long position = room.lastEvent + 1;
            room.lastEvent += 2; // member.added, then room.updated
            return memberships
                    .persist(m)
                    .map(v -> new Added(RoomView.of(room), List.of(MemberView.of(m, user)), position));
        });
    }

    /**
     * Owner only. The owner's own role cannot change this way (400): ownership passes only when the owner
     * leaves, so a room always has exactly one owner. No event for clients (the contract has none for
     * roles); it still takes a stream position, as every change of the room does.
     */
    public Uni<MemberView> changeRole(UUID callerId, UUID roomId, UUID userId, Role role) {
        return Panache.withTransaction(() -> lockAsMember(roomId, callerId).chain(locked -> {
                    if (locked.me().role != Role.OWNER) {
                        throw ProblemException.forbidden("Only the room's owner can change roles.");
                    }
                    if (userId.equals(callerId)) {
                        throw ProblemException.invalid("userId", "the owner's role changes only by leaving the room");
                    }
                    return memberships
                            .findMember(roomId, userId)
                            .onItem()
                            .ifNull()
                            .failWith(RoomService::noSuchMember)
                            .chain(them -> users.findById(userId).map(user -> {
                                them.role = role;
                                return new RoleChanged(MemberView.of(them, user), ++locked.room().lastEvent);
                            }));
                }))
                .invoke(changed -> fanout.publish(RoomEvent.silent(roomId, changed.position())))
                .map(RoleChanged::member);
    }

    /**
     * Removing yourself is leaving, open to everyone. Removing someone else: the owner may remove anyone, an
     * admin only plain members (not the owner, not another admin), a member no one (403). A direct room's
     * membership is fixed (400). When the owner leaves, the longest-standing remaining member becomes owner;
     * when the last member leaves, the room and its messages are deleted (nobody could ever reach them again).
     */
    public Uni<Void> removeMember(UUID callerId, UUID roomId, UUID userId) {
        Instant now = Times.now();
        return Panache.withTransaction(() -> lockAsMember(roomId, callerId).chain(locked -> {
                    requireGroup(locked.room(), DIRECT_MEMBERS_FIXED);
                    return userId.equals(callerId) ? remove(locked.room(), locked.me()) : removeOther(locked, userId);
                }))
                .invoke(removed -> {
                    fanout.publish(RoomEvent.memberRemoved(
                            roomId,
                            removed.position(),
                            removed.userId(),
                            frames.room(
                                    EventType.MEMBER_REMOVED,
                                    roomId,
                                    now,
                                    new MemberRemoved(roomId, removed.userId()))));
                    if (removed.room() != null) {
                        publishRoomUpdated(removed.room(), removed.position() + 1);
                    }
                })
                .replaceWithVoid();
    }

    /** The owner may remove anyone, an admin only plain members, a member no one. */
    private Uni<Removed> removeOther(Locked locked, UUID userId) {
        requireOwnerOrAdmin(locked.me(), "Only the room's owner or an admin can remove members.");
        return memberships
                .findMember(locked.room().id, userId)
                .onItem()
                .ifNull()
                .failWith(RoomService::noSuchMember)
                .chain(them -> {
                    if (locked.me().role == Role.ADMIN && them.role != Role.MEMBER) {
                        throw ProblemException.forbidden("An admin can remove only members.");
                    }
                    return remove(locked.room(), them);
                });
    }

    private Uni<Removed> remove(Room room, Membership leaving) {
        long position = room.lastEvent + 1;
        Uni<Void> deleted = memberships.deleteMember(room.id, leaving.userId);
        if (room.memberCount == 1) {
            // Deleted by a statement, so the entity is left unchanged: the flush must find nothing to update.
            return deleted.chain(() -> rooms.deleteRoom(room.id)).map(v -> new Removed(null, leaving.userId, position));
        }
        room.memberCount--;
        room.lastEvent += 2; // member.removed, then room.updated
        if (leaving.role != Role.OWNER) {
            return deleted.map(v -> new Removed(RoomView.of(room), leaving.userId, position));
        }
        return deleted.chain(() -> memberships.successor(room.id, leaving.userId))
                .map(heir -> {
                    heir.role = Role.OWNER;
                    return new Removed(RoomView.of(room), leaving.userId, position);
                });
    }

    /** A new room: each initial member is told of its own membership only (API.md), one event each. */
    private void publishCreated(Added added) {
        RoomView room = added.room();
        long position = added.firstPosition();
        for (MemberView member : added.members()) {
            fanout.publish(RoomEvent.memberJoinedAtCreation(
                    room.id(), position++, member.userId(), memberAddedFrame(room, member)));
        }
    }

    private Buffer memberAddedFrame(RoomView room, MemberView member) {
        return frames.room(EventType.MEMBER_ADDED, room.id(), Times.now(), new MemberAdded(room, member));
    }

    private void publishRoomUpdated(RoomView room, long position) {
        fanout.publish(RoomEvent.change(
                room.id(), position, frames.room(EventType.ROOM_UPDATED, room.id(), Times.now(), room)));
    }

    /** The locked room and the caller's membership as read after the lock. */
    private record Locked(Room room, Membership me) {}

    /**
     * Every change of a room's name or members starts here. A non-member is refused (404) before it may queue
     * on the room's row lock; the lock serializes the changes per room and orders them with sends; and the
     * caller's role is read only after the lock, so a rule is never checked against a role that a concurrent
     * change (an owner hand-over, a removal) has just replaced.
     */
    private Uni<Locked> lockAsMember(UUID roomId, UUID callerId) {
        return memberships
                .isMember(roomId, callerId)
                .chain(member -> member ? lockRoom(roomId) : Uni.createFrom().<Room>failure(noSuchRoom()))
                .chain(room -> membership(roomId, callerId).map(me -> new Locked(room, me)));
    }

    private static void requireGroup(Room room, String detail) {
        if (room.isDirect()) {
            throw ProblemException.badRequest(detail);
        }
    }

    private static void requireOwnerOrAdmin(Membership me, String detail) {
        if (!me.role.moderates()) {
            throw ProblemException.forbidden(detail);
        }
    }

    /** The caller's membership; a room the caller is not in does not exist for them (404, never 403). */
    private Uni<Membership> membership(UUID roomId, UUID userId) {
        return memberships.findMember(roomId, userId).onItem().ifNull().failWith(RoomService::noSuchRoom);
    }

    private Uni<Room> lockRoom(UUID roomId) {
        return rooms.findById(roomId, LockModeType.PESSIMISTIC_WRITE)
                .onItem()
                .ifNull()
                .failWith(RoomService::noSuchRoom);
    }

    private static Room newRoom(RoomType type, String name, Instant now, int memberCount) {
        Room room = new Room();
        room.id = UUID.randomUUID();
        room.type = type;
        room.name = name;
        room.createdAt = now;
        room.lastActivity = now;
        room.memberCount = memberCount;
        return room;
    }

    static int compareUnsigned(UUID x, UUID y) {
        int high = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
    }

    private static ProblemException noSuchRoom() {
        return ProblemException.notFound("No such room.");
    }

    private static ProblemException noSuchMember() {
        return ProblemException.notFound("No such member.");
    }
}
