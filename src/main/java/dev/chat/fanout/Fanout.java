package dev.chat.fanout;

/**
 * Carries committed room events to every instance's real-time layer. Call {@link #publish} only after the
 * transaction that made the change has committed: a pushed event must never describe a rolled-back change.
 */
public interface Fanout {

    void publish(ChatEvent event);
}
