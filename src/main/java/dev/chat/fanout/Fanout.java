package dev.chat.fanout;

/**
 * Carries committed room events to the real-time layer of every instance. Call {@link #publish(RoomEvent)}
 * only after the transaction that made the change has committed: a pushed event must never describe a
 * rolled-back change. Every instance's listener hears each event exactly once: the publishing instance
 * directly, the others over the carrier ({@code chat.fanout=redis}).
 */
public interface Fanout {

    void publish(RoomEvent event);

    void publish(PresenceEvent event);

    /** The one listener of this instance (its real-time layer). */
    void listen(FanoutListener listener);
}
