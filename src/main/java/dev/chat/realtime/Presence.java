package dev.chat.realtime;

import dev.chat.user.PresenceLookup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Who is online on this instance: a user is online while at least one of their connections is open. */
@ApplicationScoped
public class Presence implements PresenceLookup {

    private final ConcurrentMap<UUID, AtomicInteger> connections = new ConcurrentHashMap<>();

    /** Counts a new connection; true when it is the user's first, i.e. the user just came online. */
    public boolean connected(UUID userId) {
        return connections.computeIfAbsent(userId, id -> new AtomicInteger()).incrementAndGet() == 1;
    }

    /** Counts a closed connection; true when it was the user's last, i.e. the user just went offline. */
    public boolean disconnected(UUID userId) {
        boolean[] last = {false};
        connections.computeIfPresent(userId, (id, count) -> {
            if (count.decrementAndGet() == 0) {
                last[0] = true;
                return null;
            }
            return count;
        });
        return last[0];
    }

    @Override
    public boolean isOnline(UUID userId) {
        return connections.containsKey(userId);
    }
}
