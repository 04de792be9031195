package dev.chat.fanout;

import dev.chat.common.Wire;

/** The {@code type} of every pushed event (API.md, "Real-time"), with its name on the wire. */
public enum EventType implements Wire {
    READY("ready"),
    MESSAGE_CREATED("message.created"),
    MESSAGE_UPDATED("message.updated"),
    MESSAGE_DELETED("message.deleted"),
    TYPING("typing"),
    RECEIPT("receipt"),
    PRESENCE("presence"),
    MEMBER_ADDED("member.added"),
    MEMBER_REMOVED("member.removed"),
    ROOM_UPDATED("room.updated");

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    /** The frame's {@code type} field. */
    public String wire() {
        return wire;
    }

    public static EventType of(String wire) {
        return Wire.of(values(), wire);
    }
}
