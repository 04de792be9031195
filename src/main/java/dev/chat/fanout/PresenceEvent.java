package dev.chat.fanout;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.UUID;

/**
 * A user came online or went offline somewhere in the cluster. It goes to the connections of every other
 * user sharing one of {@code roomIds} with them, once per connection, whichever instance holds them.
 */
public record PresenceEvent(UUID userId, boolean online, List<UUID> roomIds, Buffer frame) {}
