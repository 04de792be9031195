package dev.chat.fanout;

/** The {@code type} of every pushed event (API.md, "Real-time"). */
public final class EventType {

    public static final String READY = "ready";
    public static final String MESSAGE_CREATED = "message.created";
    public static final String MESSAGE_UPDATED = "message.updated";
    public static final String MESSAGE_DELETED = "message.deleted";
    public static final String TYPING = "typing";
    public static final String RECEIPT = "receipt";
    public static final String PRESENCE = "presence";
    public static final String MEMBER_ADDED = "member.added";
    public static final String MEMBER_REMOVED = "member.removed";
    public static final String ROOM_UPDATED = "room.updated";

    private EventType() {}
}
