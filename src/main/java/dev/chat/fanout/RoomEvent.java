package dev.chat.fanout;

import io.vertx.core.buffer.Buffer;
import java.util.UUID;

/**
 * One event of a room as it travels to every instance's dispatchers: the routing facts and the WebSocket
 * frame, serialized once by the publisher and written as the same bytes to every recipient.
 *
 * <p>{@code position} orders the room's stream. For the {@link Kind#isOrdered() ordered} kinds it is the
 * event's own position, taken under the room row lock in the transaction that made the change, so positions
 * are gap-free and in commit order. A {@link Kind#SIGNAL} (typing, receipt) takes no position of its own: it
 * carries the room's position at the moment its sender's membership was checked, and is delivered once the
 * dispatcher has applied that position (so it never reaches a member removed before the check).
 *
 * @param subjectId the member who joins or leaves ({@code MEMBER_*} kinds), else null
 * @param exceptId a member who must not receive it (the typist), else null
 * @param frame the frame, or null for an event that only advances the stream (a role change)
 */
public record RoomEvent(UUID roomId, long position, Kind kind, UUID subjectId, UUID exceptId, Buffer frame) {

    public enum Kind {
        /** A committed change for every member: message created/updated/deleted, room updated, role change. */
        CHANGE,
        /** A member added later: the subject's connections join the room, then every member gets the frame. */
        MEMBER_ADDED,
        /** A room's initial member: the subject joins, and only the subject gets the frame (API.md). */
        MEMBER_JOINED_AT_CREATION,
        /** Every member, the subject included, gets the frame; then the subject's connections leave. */
        MEMBER_REMOVED,
        /** Not stored, no position of its own (see the class comment). */
        SIGNAL;

        public boolean isOrdered() {
            return this != SIGNAL;
        }

        public boolean joins() {
            return this == MEMBER_ADDED || this == MEMBER_JOINED_AT_CREATION;
        }
    }

    public static RoomEvent change(UUID roomId, long position, Buffer frame) {
        return new RoomEvent(roomId, position, Kind.CHANGE, null, null, frame);
    }

    /** A change no client is told about (a role change): it only moves the stream on. */
    public static RoomEvent silent(UUID roomId, long position) {
        return new RoomEvent(roomId, position, Kind.CHANGE, null, null, null);
    }

    public static RoomEvent memberAdded(UUID roomId, long position, UUID userId, Buffer frame) {
        return new RoomEvent(roomId, position, Kind.MEMBER_ADDED, userId, null, frame);
    }

    public static RoomEvent memberJoinedAtCreation(UUID roomId, long position, UUID userId, Buffer frame) {
        return new RoomEvent(roomId, position, Kind.MEMBER_JOINED_AT_CREATION, userId, null, frame);
    }

    public static RoomEvent memberRemoved(UUID roomId, long position, UUID userId, Buffer frame) {
        return new RoomEvent(roomId, position, Kind.MEMBER_REMOVED, userId, null, frame);
    }

    /** @param after the room's position when the sender's membership was checked */
    public static RoomEvent signal(UUID roomId, long after, UUID exceptId, Buffer frame) {
        return new RoomEvent(roomId, after, Kind.SIGNAL, null, exceptId, frame);
    }

    /** Whether a member's connection gets this event's frame (the subject's leaving is handled apart). */
    public boolean isFor(UUID userId) {
        if (frame == null || userId.equals(exceptId)) {
            return false;
        }
        return kind != Kind.MEMBER_JOINED_AT_CREATION || userId.equals(subjectId);
    }
}
