package dev.chat.room;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Ownership is never granted this way: it passes only when the owner leaves. */
public record ChangeRoleRequest(
        @NotNull
        @Pattern(regexp = "admin|member", message = "must be admin or member")
        @Schema(
                enumeration = {"admin", "member"},
                pattern = "^(admin|member)$")
        String role) {}
