package dev.chat.common;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An enum with a spelling of its own on the wire and in SQL (API.md's lower-case names, "message.created"). Jackson
 * writes and reads a DTO field of such an enum by this spelling, and the OpenAPI document lists the spellings as
 * the field's enumeration: the values are stated once, in the enum.
 */
public interface Wire {

    @JsonValue
    String wire();

    /**
     * The constant of {@code values} spelled {@code wire}.
     *
     * @throws IllegalArgumentException for a spelling none has (requests are validated before this)
     */
    static <E extends Wire> E of(E[] values, String wire) {
        for (E value : values) {
            if (value.wire().equals(wire)) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "Not a " + values.getClass().getComponentType().getSimpleName() + ": " + wire);
    }
}
