package dev.chat.common;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;

/** PostgreSQL outcomes that the services turn into answers rather than errors. */
public final class Db {

    private static final String UNIQUE_VIOLATION = "23505";
    /** "character not in repertoire": a NUL (U+0000) in a text value, e.g. from a query parameter. */
    private static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";

    private Db() {}

    /**
     * Whether the failure, or any cause of it, is a unique-constraint violation on the named index. The
     * reactive client raises {@link PgException}; Hibernate Reactive wraps the same error in an
     * {@link SQLException} whose message names the constraint.
     */
    public static boolean isUniqueViolation(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return constraint.equals(pg.getConstraint());
            }
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return sql.getMessage() != null && sql.getMessage().contains('"' + constraint + '"');
            }
        }
        return false;
    }

    /** Whether PostgreSQL refused a text value it cannot store (a NUL character): the client's input. */
    public static boolean isUnstorableText(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if ((t instanceof PgException pg && CHARACTER_NOT_IN_REPERTOIRE.equals(pg.getSqlState()))
                    || (t instanceof SQLException sql && CHARACTER_NOT_IN_REPERTOIRE.equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
