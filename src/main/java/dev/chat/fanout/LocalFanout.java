package dev.chat.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.common.Times;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.mutiny.core.eventbus.EventBus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.UUID;

/**
 * In-process fan-out: each room is one Vert.x event-bus address, {@code room.<id>}; the real-time layer
 * consumes the addresses of the rooms its connections belong to. A membership event also goes to its
 * subject's address, {@code user.<id>}: the real-time layer of an instance that holds none of the room's
 * other members does not consume the room yet, and must still learn that the added member now belongs to
 * it (and the removed one no longer does). Both publications carry the same envelope.
 */
@ApplicationScoped
public class LocalFanout implements Fanout {

    private final EventBus bus;
    private final ObjectMapper mapper;

    LocalFanout(EventBus bus, ObjectMapper mapper) {
        this.bus = bus;
        this.mapper = mapper;
    }

    void registerCodec(@Observes StartupEvent start) {
        bus.getDelegate().registerDefaultCodec(RoomEnvelope.class, new LocalOnlyCodec());
    }

    public static String address(UUID roomId) {
        return "room." + roomId;
    }

    public static final String USER_ADDRESS_PREFIX = "user.";

    public static String userAddress(UUID userId) {
        return USER_ADDRESS_PREFIX + userId;
    }

    @Override
    public void publish(ChatEvent event) {
        RoomEnvelope envelope = envelope(event);
        bus.publish(address(event.roomId()), envelope);
        if (event.subjectUserId() != null) {
            // After the room's address: consumers on one context see the two in this order.
            bus.publish(userAddress(event.subjectUserId()), envelope);
        }
    }

    /** Serializes the event once, in the contract's frame shape (see {@link EventFrame}). */
    public RoomEnvelope envelope(ChatEvent event) {
        Instant at = event.at() != null ? event.at() : Times.now();
        return new RoomEnvelope(
                event.type(),
                event.roomId(),
                event.seq(),
                event.exceptUserId(),
                event.subjectUserId(),
                EventFrame.encode(mapper, event.type(), event.roomId(), event.seq(), at, event.data()));
    }

    /** Envelopes never leave the process on the event bus (Redis carries them between instances). */
    private static final class LocalOnlyCodec implements MessageCodec<RoomEnvelope, RoomEnvelope> {
        @Override
        public void encodeToWire(Buffer buffer, RoomEnvelope envelope) {
            throw new UnsupportedOperationException("local only");
        }

        @Override
        public RoomEnvelope decodeFromWire(int pos, Buffer buffer) {
            throw new UnsupportedOperationException("local only");
        }

        @Override
        public RoomEnvelope transform(RoomEnvelope envelope) {
            return envelope;
        }

        @Override
        public String name() {
            return "room-envelope";
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
