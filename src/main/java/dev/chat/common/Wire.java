package dev.chat.common;

/** An enum with a spelling of its own on the wire and in SQL (API.md's lower-case names, "message.created"). */
public interface Wire {

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
