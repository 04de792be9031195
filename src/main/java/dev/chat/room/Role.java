package dev.chat.room;

import dev.chat.common.Wire;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Locale;

/**
 * A member's role in a room. On the wire and in {@code memberships.role} it is the lower-case name (API.md:
 * {@code owner}, {@code admin}, {@code member}); everywhere else it is this enum, so that a typo is a compile
 * error rather than a role nobody has.
 */
public enum Role implements Wire {
    OWNER,
    ADMIN,
    MEMBER;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** As API.md and the database spell it. */
    public String wire() {
        return wire;
    }

    /** May delete others' messages and remove members (admins: plain members only). */
    public boolean moderates() {
        return this != MEMBER;
    }

    public static Role of(String wire) {
        return Wire.of(values(), wire);
    }

    /** {@code memberships.role} as the wire value (the column predates the enum and stays readable in SQL). */
    @Converter
    public static final class Column implements AttributeConverter<Role, String> {
        @Override
        public String convertToDatabaseColumn(Role role) {
            return role == null ? null : role.wire();
        }

        @Override
        public Role convertToEntityAttribute(String wire) {
            return wire == null ? null : of(wire);
        }
    }
}
