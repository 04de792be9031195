package dev.chat.message;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public record ReceiptRequest(
        @NotNull
        @Pattern(regexp = "read|delivered", message = "must be read or delivered")
        @Schema(
                enumeration = {"read", "delivered"},
                pattern = "^(read|delivered)$",
                description = "read implies delivered.")
        String type,

        @NotNull
        @Min(0)
        @Schema(
                description =
                        "A watermark: a lower seq than the stored one is ignored; above the room's lastSeq is 400.")
        Long seq) {}
