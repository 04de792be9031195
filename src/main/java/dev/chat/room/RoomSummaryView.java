package dev.chat.room;

import dev.chat.message.MessageView;
import java.time.Instant;
import java.util.UUID;

/** The contract's {@code RoomSummary}: {@code Room} plus what a room list shows. */
public record RoomSummaryView(
        UUID id,
        String type,
        String name,
        Instant createdAt,
        long lastSeq,
        int memberCount,
        MessageView lastMessage,
        long unreadCount,
        long lastReadSeq) {}
