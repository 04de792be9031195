package dev.chat.room;

import dev.chat.common.Wire;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Locale;

/** A group room (named, members managed) or a direct one (exactly two, fixed); lower-case on the wire and in SQL. */
public enum RoomType implements Wire {
    GROUP,
    DIRECT;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** As API.md and {@code rooms.type} spell it. */
    public String wire() {
        return wire;
    }

    public static RoomType of(String wire) {
        return Wire.of(values(), wire);
    }

    /** {@code rooms.type} as the wire value. */
    @Converter
    public static final class Column implements AttributeConverter<RoomType, String> {
        @Override
        public String convertToDatabaseColumn(RoomType type) {
            return type == null ? null : type.wire();
        }

        @Override
        public RoomType convertToEntityAttribute(String wire) {
            return wire == null ? null : of(wire);
        }
    }
}
