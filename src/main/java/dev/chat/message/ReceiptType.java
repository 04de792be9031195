package dev.chat.message;

import java.util.Locale;

/** Which watermark a receipt moves; on the wire the lower-case name (API.md). Read implies delivered. */
public enum ReceiptType {
    READ,
    DELIVERED;

    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    /** @throws IllegalArgumentException for a value no receipt has (a request is validated before this) */
    public static ReceiptType of(String wire) {
        for (ReceiptType type : values()) {
            if (type.wire.equals(wire)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Not a receipt type: " + wire);
    }
}
