package dev.chat.fanout;

/** The {@code type} of every pushed event (API.md, "Real-time"), with its name on the wire. */
public enum EventType {
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

    /** @throws IllegalArgumentException for a type the contract does not have */
    public static EventType of(String wire) {
        for (EventType type : values()) {
            if (type.wire.equals(wire)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Not an event type: " + wire);
    }
}
