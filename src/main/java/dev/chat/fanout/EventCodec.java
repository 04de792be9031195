package dev.chat.fanout;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The bytes of an event on Redis: a small fixed header, then the frame exactly as the publisher encoded it,
 * so no instance parses or re-serializes JSON to route it. Written by hand rather than with a serialization
 * library because the header is six fixed fields and the frame must pass through untouched; nothing here
 * needs reflection (native images included).
 *
 * <pre>
 * room:     'R' origin(16) room(16) position(8) kind(1) subject?(1+16) except?(1+16) frameLength(4, -1 = none) frame
 * presence: 'P' origin(16) user(16) online(1) rooms(4 + 16 each) frame
 * </pre>
 */
public final class EventCodec {

    private static final byte ROOM = 'R';
    private static final byte PRESENCE = 'P';
    private static final RoomEvent.Kind[] KINDS = RoomEvent.Kind.values();

    /** A decoded message: who published it, and the event. */
    public record Decoded(UUID origin, RoomEvent room, PresenceEvent presence) {}

    private EventCodec() {}

    public static Buffer encode(UUID origin, RoomEvent event) {
        Buffer frame = event.frame();
        Buffer out = Buffer.buffer(80 + (frame == null ? 0 : frame.length()));
        out.appendByte(ROOM);
        uuid(out, origin);
        uuid(out, event.roomId());
        out.appendLong(event.position());
        out.appendByte((byte) event.kind().ordinal());
        optionalUuid(out, event.subjectId());
        optionalUuid(out, event.exceptId());
        if (frame == null) {
            out.appendInt(-1);
        } else {
            out.appendInt(frame.length());
            out.appendBuffer(frame);
        }
        return out;
    }

    public static Buffer encode(UUID origin, PresenceEvent event) {
        Buffer out =
                Buffer.buffer(64 + 16 * event.roomIds().size() + event.frame().length());
        out.appendByte(PRESENCE);
        uuid(out, origin);
        uuid(out, event.userId());
        out.appendByte((byte) (event.online() ? 1 : 0));
        out.appendInt(event.roomIds().size());
        for (UUID roomId : event.roomIds()) {
            uuid(out, roomId);
        }
        out.appendBuffer(event.frame());
        return out;
    }

    /** @throws IllegalArgumentException for bytes this codec did not write */
    public static Decoded decode(Buffer in) {
        try {
            int[] at = {1};
            byte tag = in.getByte(0);
            UUID origin = uuid(in, at);
            if (tag == ROOM) {
                UUID roomId = uuid(in, at);
                long position = in.getLong(at[0]);
                at[0] += 8;
                RoomEvent.Kind kind = KINDS[in.getByte(at[0]++)];
                UUID subject = optionalUuid(in, at);
                UUID except = optionalUuid(in, at);
                int length = in.getInt(at[0]);
                at[0] += 4;
                Buffer frame = length < 0 ? null : in.slice(at[0], at[0] + length);
                return new Decoded(origin, new RoomEvent(roomId, position, kind, subject, except, frame), null);
            }
            if (tag == PRESENCE) {
                UUID userId = uuid(in, at);
                boolean online = in.getByte(at[0]++) == 1;
                int count = in.getInt(at[0]);
                at[0] += 4;
                List<UUID> rooms = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    rooms.add(uuid(in, at));
                }
                Buffer frame = in.slice(at[0], in.length());
                return new Decoded(origin, null, new PresenceEvent(userId, online, List.copyOf(rooms), frame));
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated event", e);
        }
        throw new IllegalArgumentException("not an event");
    }

    private static void uuid(Buffer out, UUID id) {
        out.appendLong(id.getMostSignificantBits()).appendLong(id.getLeastSignificantBits());
    }

    private static void optionalUuid(Buffer out, UUID id) {
        if (id == null) {
            out.appendByte((byte) 0);
        } else {
            out.appendByte((byte) 1);
            uuid(out, id);
        }
    }

    private static UUID uuid(Buffer in, int[] at) {
        UUID id = new UUID(in.getLong(at[0]), in.getLong(at[0] + 8));
        at[0] += 16;
        return id;
    }

    private static UUID optionalUuid(Buffer in, int[] at) {
        return in.getByte(at[0]++) == 0 ? null : uuid(in, at);
    }
}
