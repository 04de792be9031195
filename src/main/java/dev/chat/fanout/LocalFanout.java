package dev.chat.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.common.Times;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.mutiny.core.eventbus.EventBus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * In-process fan-out: each room is one Vert.x event-bus address, {@code room.<id>}; the real-time layer
 * consumes the addresses of the rooms its connections belong to.
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

    @Override
    public void publish(ChatEvent event) {
        bus.publish(address(event.roomId()), envelope(event));
    }

    /** Serializes the event once, in the contract's frame shape: {@code {"type","roomId","seq","at","data"}}. */
    public RoomEnvelope envelope(ChatEvent event) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", event.type());
        frame.put("roomId", event.roomId());
        if (event.seq() != null) {
            frame.put("seq", event.seq());
        }
        frame.put("at", event.at() != null ? event.at() : Times.now());
        frame.put("data", event.data());
        try {
            return new RoomEnvelope(event.type(), event.roomId(), event.seq(), event.exceptUserId(),
                    event.subjectUserId(), Buffer.buffer(mapper.writeValueAsBytes(frame)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event data must be serializable: " + event.type(), e);
        }
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
