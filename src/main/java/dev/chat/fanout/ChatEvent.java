package dev.chat.fanout;

import java.time.Instant;
import java.util.UUID;

/**
 * Something that happened in a room, to be pushed to the room's members over WebSocket. Produced by the
 * REST services after their transaction committed; delivered by the real-time layer.
 *
 * @param type event type of the contract, e.g. {@code message.created} (see {@link EventType})
 * @param roomId the room whose members receive it
 * @param seq the message seq for {@code message.*} events, else null
 * @param at when it happened
 * @param data the event's {@code data}: a record serialized as the contract says
 * @param exceptUserId a member who must not receive it (the typist of a {@code typing} event), else null
 * @param subjectUserId for {@code member.added}/{@code member.removed}: the member whose connections start
 *     or stop receiving the room, else null
 */
public record ChatEvent(
        String type, UUID roomId, Long seq, Instant at, Object data, UUID exceptUserId, UUID subjectUserId) {

    public static ChatEvent of(String type, UUID roomId, Long seq, Instant at, Object data) {
        return new ChatEvent(type, roomId, seq, at, data, null, null);
    }
}
