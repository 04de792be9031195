package dev.chat.common;

import io.netty.channel.unix.Errors;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.util.Set;

/** PostgreSQL outcomes that the services turn into answers rather than errors. */
public final class Db {

    private static final String UNIQUE_VIOLATION = "23505";
    /** "character not in repertoire": a NUL (U+0000) in a text value, e.g. from a query parameter. */
    private static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";

    /**
     * SQL states that mean "the database could not serve this now", not "the request is wrong": our own
     * statement and lock timeouts (57014 query_canceled, 55P03 lock_not_available), the server ending the
     * session (57P01-57P03 shutdown and start-up, 25P03 idle-in-transaction timeout, 53300 too many
     * connections) and the connection-exception class 08.
     */
    private static final Set<String> UNAVAILABLE_STATES =
            Set.of("57014", "55P03", "57P01", "57P02", "57P03", "25P03", "53300", "53400");

    /**
     * A statement that waited in vain: 55P03 lock_not_available (lock_timeout), 57014 query_canceled (statement
     * timeout, a cancel), 40P01 deadlock_detected.
     */
    private static final Set<String> LOCK_WAIT_STATES = Set.of("55P03", "57014", "40P01");

    /** What the Vert.x SQL pool says when no connection became free within its connection timeout. */
    private static final String POOL_WAIT_TIMEOUT = "Timeout waiting for connection";

    private Db() {}

    /**
     * Whether the failure means the database is slow, saturated or away: a timeout we set on purpose, a full
     * pool queue, a refused or lost connection. Such requests are answered 503 (try again), never 500.
     *
     * <p>A lost connection is not always a {@link ClosedConnectionException}: a statement in flight when
     * PostgreSQL shut down failed with the socket's own {@code SocketException: Connection reset}, unwrapped
     * (DatabaseOutageIT, one send in about 1,100), and a write to a connection PostgreSQL had just closed with
     * the JDK's plain {@code IOException: Broken pipe} (DatabaseOutageIT in .ci/run, 2026-12-03); on Netty's
     * epoll transport the same two come as its {@code NativeIoException} ("sendAddress(..) failed: Broken pipe",
     * DatabaseOutageIT, 2026-12-03), an IOException subclass that only a socket raises. Any socket
     * failure below a request counts (a refused connect is one too); a client's own socket failing leaves
     * nobody to answer. A plain {@code IOException} only, not its subclasses: Jackson's parse errors are
     * IOExceptions too, and a bad request body is the caller's fault, not an outage.
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            String state = t instanceof PgException pg
                    ? pg.getSqlState()
                    : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (UNAVAILABLE_STATES.contains(state) || state.startsWith("08"))) {
                return true;
            }
            if (t instanceof ConnectionPoolTooBusyException
                    || t instanceof ClosedConnectionException
                    || t instanceof SocketException
                    || t instanceof ClosedChannelException
                    || t instanceof Errors.NativeIoException
                    || t.getClass() == IOException.class
                    || (t instanceof VertxException && POOL_WAIT_TIMEOUT.equals(t.getMessage()))) {
                return true;
            }
        }
        return false;
    }

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

    /**
     * Whether a statement waited in vain: it gave up waiting for a lock or for itself (our {@code lock_timeout}
     * or {@code statement_timeout}, or a cancel), or PostgreSQL ended it to break a deadlock.
     */
    public static boolean isLockWaitFailure(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof PgException pg && LOCK_WAIT_STATES.contains(pg.getSqlState())) {
                return true;
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
