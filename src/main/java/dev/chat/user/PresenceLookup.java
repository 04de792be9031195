package dev.chat.user;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * Whether a user has an open WebSocket connection on any instance. Implemented by the real-time layer;
 * declared here so that profiles can show presence without this package depending on sockets.
 */
public interface PresenceLookup {

    Uni<Boolean> isOnline(UUID userId);
}
