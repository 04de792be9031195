package dev.chat.fanout;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Stops a removed member's connections from receiving a room's events from the moment of the removal, not
 * from the moment its {@code member.removed} event is processed.
 *
 * <p>Events are published after their transaction committed, from whichever thread committed it. A change
 * that commits just after a removal (another member's message, a typing signal) can therefore be published
 * before the removal's own {@code member.removed} reaches the real-time layer, and would reach the removed
 * user. The removal cuts the pair off here, inside its transaction and before its commit; delivery skips
 * cut-off pairs. The cut ends by itself once {@code member.removed} has long been processed (or at once if
 * the removal rolled back, or the user is added again).
 */
@ApplicationScoped
public class MembershipCutoff {

    /** Local event-bus delivery takes microseconds; this is the wait for a stalled hub, with a wide margin. */
    static final Duration HOLD = Duration.ofSeconds(30);

    private record Pair(UUID roomId, UUID userId) {}

    private final ConcurrentMap<Pair, Long> cut = new ConcurrentHashMap<>();

    /** Call inside the removal's transaction, before it commits. */
    public void cut(UUID roomId, UUID userId) {
        long now = System.nanoTime();
        cut.values().removeIf(until -> until - now < 0);
        cut.put(new Pair(roomId, userId), now + HOLD.toNanos());
    }

    /** The removal rolled back, or the user was added again: deliver to them as before. */
    public void restore(UUID roomId, UUID userId) {
        cut.remove(new Pair(roomId, userId));
    }

    /** Whether the user's connections must not get the room's events. Cheap when nothing is cut. */
    public boolean isCut(UUID roomId, UUID userId) {
        if (cut.isEmpty()) {
            return false;
        }
        Long until = cut.get(new Pair(roomId, userId));
        return until != null && until - System.nanoTime() > 0;
    }
}
