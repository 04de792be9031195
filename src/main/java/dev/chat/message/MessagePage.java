package dev.chat.message;

import java.util.List;

/** One page of history: always ascending by seq; {@code hasMore} says whether the walk can go on. */
public record MessagePage(List<MessageView> items, boolean hasMore) {}
