package dev.chat.realtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A hub's open connections, by id and by user. Confined to the hub's event loop, like all hub state. */
final class ConnectionIndex {

    private final Map<String, LiveConnection> byId = new LinkedHashMap<>();
    private final Map<UUID, List<LiveConnection>> byUser = new HashMap<>();

    void add(LiveConnection connection) {
        byId.put(connection.id(), connection);
        byUser.computeIfAbsent(connection.userId(), id -> new ArrayList<>(1)).add(connection);
    }

    /** False when it was not (or no longer) here. */
    boolean remove(LiveConnection connection) {
        if (byId.remove(connection.id()) == null) {
            return false;
        }
        List<LiveConnection> ofUser = byUser.get(connection.userId());
        ofUser.remove(connection);
        if (ofUser.isEmpty()) {
            byUser.remove(connection.userId());
        }
        return true;
    }

    /** The user's connections on this hub; empty when none. Do not change the index while iterating it. */
    List<LiveConnection> ofUser(UUID userId) {
        return byUser.getOrDefault(userId, List.of());
    }

    Collection<LiveConnection> all() {
        return byId.values();
    }
}
