package dev.chat.room;

import dev.chat.message.MessageView;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The contract's {@code RoomSummary}: {@code Room} plus what a room list shows. */
@Schema(name = "RoomSummary", description = "`Room` plus what a room list shows.")
public record RoomSummaryView(
        UUID id,
        RoomType type,

        @Schema(nullable = true, description = "Null for a direct room.")
        String name,

        Instant createdAt,
        long lastSeq,
        int memberCount,

        @Schema(nullable = true, description = "The room's latest message (a tombstone if deleted), or null.")
        MessageView lastMessage,

        @Schema(description = "Messages after the caller's read watermark, not counting the caller's own.")
        long unreadCount,

        long lastReadSeq) {}
