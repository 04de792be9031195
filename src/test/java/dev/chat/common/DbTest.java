package dev.chat.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParseException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Which failures are an outage (503, try again) and which are not: the outage cases as the reactive client
 * raises them, found in DatabaseOutageIT's runs, and the near misses that must stay what they are.
 */
class DbTest {

    @Test
    void shouldCountALostConnectionAsUnavailableHoweverItIsReported() {
        assertTrue(Db.isUnavailable(new IOException("Broken pipe")));
        assertTrue(Db.isUnavailable(new CompletionException(new IOException("Broken pipe"))));
        assertTrue(Db.isUnavailable(new SocketException("Connection reset")));
        Epoll.ensureAvailability(); // its errno texts come from the native library
        assertTrue(Db.isUnavailable(Errors.newIOException("sendAddress", Errors.ERRNO_EPIPE_NEGATIVE)));
        assertTrue(
                Db.isUnavailable(Errors.newConnectionResetException("readAddress", Errors.ERRNO_ECONNRESET_NEGATIVE)));
        assertTrue(Db.isUnavailable(new PgException("terminating connection", "FATAL", "57P01", null)));
        assertTrue(Db.isUnavailable(new PgException("canceling statement", "ERROR", "57014", null)));
    }

    @Test
    void shouldNotCountTheRequestsOwnFaultsAsAnOutage() {
        assertFalse(Db.isUnavailable(new JsonParseException(null, "Unexpected character")));
        assertFalse(Db.isUnavailable(new PgException("duplicate key", "ERROR", "23505", null)));
        assertFalse(Db.isUnavailable(new IllegalStateException("a bug")));
    }
}
