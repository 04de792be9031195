package dev.chat.common;

import io.vertx.pgclient.PgException;

/** PostgreSQL outcomes that the services turn into answers rather than errors. */
public final class Db {

    private static final String UNIQUE_VIOLATION = "23505";

    private Db() {}

    /** Whether the failure, or any cause of it, is a unique-constraint violation on the named index. */
    public static boolean isUniqueViolation(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                    && (constraint == null || constraint.equals(pg.getConstraint()))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
