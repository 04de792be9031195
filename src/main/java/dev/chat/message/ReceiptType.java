package dev.chat.message;

import dev.chat.common.Wire;
import java.util.Locale;

/** Which watermark a receipt moves; on the wire the lower-case name (API.md). Read implies delivered. */
public enum ReceiptType implements Wire {
    READ,
    DELIVERED;

    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    public static ReceiptType of(String wire) {
        return Wire.of(values(), wire);
    }
}
