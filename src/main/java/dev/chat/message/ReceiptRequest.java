package dev.chat.message;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

public record ReceiptRequest(
        @NotNull @Pattern(regexp = "read|delivered", message = "must be read or delivered")
        String type,

        @NotNull @Min(0) Long seq) {

    public static final String READ = "read";
    public static final String DELIVERED = "delivered";
}
