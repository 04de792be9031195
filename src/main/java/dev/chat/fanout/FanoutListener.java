package dev.chat.fanout;

/**
 * The subscription seam: what the real-time layer of an instance hears from the fan-out. Called on any
 * thread, in no particular order between rooms; each implementation hands the event to its own threads.
 */
public interface FanoutListener {

    void onRoomEvent(RoomEvent event);

    void onPresence(PresenceEvent event);

    /**
     * The carrier between instances was lost and is back: events of other instances may have been missed
     * meanwhile, so every room should re-read its state from PostgreSQL (the source of truth).
     */
    default void onCarrierRestored() {}
}
