package dev.chat.room;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** Ownership is never granted this way: it passes only when the owner leaves. */
public record ChangeRoleRequest(
        @NotNull @Pattern(regexp = "admin|member", message = "must be admin or member")
        String role) {}
