package dev.chat.message;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of history: always ascending by seq; {@code hasMore} says whether the walk can go on. */
public record MessagePage(
        @Schema(description = "Always ascending by seq.") List<MessageView> items,

        @Schema(description = "Whether more messages lie beyond this page in the direction walked.")
        boolean hasMore) {}
