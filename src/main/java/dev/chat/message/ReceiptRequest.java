package dev.chat.message;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public record ReceiptRequest(
        @NotNull @Schema(description = "read implies delivered.")
        ReceiptType type,

        @NotNull
        @Min(0)
        @Schema(
                description =
                        "A watermark: a lower seq than the stored one is ignored; above the room's lastSeq is 400.")
        Long seq) {}
