package dev.chat.user;

import java.util.UUID;

/**
 * Whether a user has an open WebSocket connection. Implemented by the real-time layer; declared here so
 * that profiles can show presence without this package depending on sockets.
 */
public interface PresenceLookup {

    boolean isOnline(UUID userId);
}
