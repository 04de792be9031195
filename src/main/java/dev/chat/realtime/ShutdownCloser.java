package dev.chat.realtime;

import dev.chat.common.Problems;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.http.runtime.filters.QuarkusRequestWrapper;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Closes every WebSocket with 1001 (API.md: "shutdown closes WebSockets with 1001") at the moment of a shutdown
 * when that helps the clients: after load balancers have had time to stop sending new connections here, and
 * before the HTTP server goes away. From then on it also refuses new requests, so that none is accepted
 * that the server might not live to answer.
 *
 * <p>Why not a {@code ShutdownEvent} observer: Quarkus closes the HTTP server, and every WebSocket with it (code
 * 1000), before it fires {@code ShutdownEvent}. The sequence on SIGTERM, with the settings of
 * application.properties ("Lifecycle"):
 *
 * <ol>
 *   <li>Pre-shutdown: readiness turns DOWN and {@link ShutdownDelayInitiatedEvent} is fired. From now on a new
 *       WebSocket upgrade is refused with 503: the client retries, elsewhere.
 *   <li>{@code quarkus.shutdown.delay}: REST is served as usual while the instance is taken out of rotation.
 *   <li>{@link #CLOSE_LEAD} before the delay ends, every open connection is closed with 1001. Clients
 *       reconnect to another instance and catch up with {@code ?after=}; the hub sees the closes through its
 *       ordinary {@code @OnClose} path (presence, last seen) while the database pool is still open. Every new
 *       request is answered 503 from now on, before anything handles it.
 *   <li>HTTP drains: requests in flight finish, for at most {@code quarkus.shutdown.timeout}.
 *   <li>The HTTP server closes, {@code ShutdownEvent}, exit.
 * </ol>
 *
 * <p>Why refuse in step 3: Quarkus keeps accepting requests while it drains, and stops waiting as soon as the
 * count of requests in flight first reaches zero; one accepted after that is cut off when the server closes,
 * possibly after it was committed. GracefulShutdownIT caught a send stored without an answer that way.
 *
 * <p>Step 4 needs one repair. Quarkus counts requests in flight by the end of their response, and Vert.x
 * completes a WebSocket upgrade (101) without that end: every upgrade ever accepted stays "in flight" for
 * good, and each shutdown waited the whole timeout, then logged an error. So an upgrade request is marked
 * done as it arrives ({@link #release}); an open WebSocket is this class's business, not the drain's.
 *
 * <p>It depends only on {@link OpenConnections} and the HTTP router, not on how the hub tracks connections.
 * GracefulShutdownIT proves the whole sequence on the packaged artifact with a real SIGTERM.
 */
@ApplicationScoped
@RegisterForReflection(targets = QuarkusRequestWrapper.class) // the reflective done() below, in a native image
class ShutdownCloser {

    private static final Logger LOG = Logger.getLogger(ShutdownCloser.class);
    static final CloseReason GOING_AWAY = new CloseReason(1001, "Server shutting down");
    /**
     * How long before the end of the delay the sockets are closed and new requests refused: the close frames
     * must be written, and no request accepted, before the drain can end and the server stop, which takes
     * milliseconds once the delay is over.
     */
    static final Duration CLOSE_LEAD = Duration.ofSeconds(1);

    /** {@code QuarkusRequestWrapper.done()}: package-private; null if a Quarkus upgrade renamed it. */
    private static final Method DONE = doneMethod();

    private final OpenConnections connections;
    private final Vertx vertx;
    private final Duration delay;
    private volatile boolean shuttingDown;
    /** System.nanoTime() from which every new request is refused: by the clock, not a timer that may run late. */
    private volatile long drainFrom;

    ShutdownCloser(
            OpenConnections connections,
            Vertx vertx,
            @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay) {
        this.connections = connections;
        this.vertx = vertx;
        this.delay = delay.orElse(Duration.ZERO);
    }

    /** Ahead of every other route (security, the WebSocket endpoint): sees each upgrade first. */
    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::onRequest);
    }

    private void onRequest(RoutingContext context) {
        HttpServerRequest request = context.request();
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
        if (shuttingDown && (upgrade || System.nanoTime() - drainFrom >= 0)) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close").putHeader("Retry-After", "1");
            Problems.write(context.response(), Problems.of(503, "The server is shutting down; retry."));
        } else {
            if (upgrade) {
                release(request);
            }
            context.next();
        }
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        long afterMs = Math.max(1, delay.minus(CLOSE_LEAD).toMillis());
        drainFrom = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(afterMs);
        shuttingDown = true;
        LOG.infof(
                "Shutting down: readiness is DOWN; in %d ms WebSockets will be closed with 1001 and new requests"
                        + " refused",
                afterMs);
        vertx.setTimer(afterMs, id -> closeAll());
    }

    private void closeAll() {
        int count = 0;
        for (WebSocketConnection connection : connections) {
            if (connection.isOpen()) {
                connection.close(GOING_AWAY).subscribe().with(ok -> {}, failure -> {});
                count++;
            }
        }
        LOG.infof("Closed %d WebSocket connection(s) with 1001", count);
    }

    /** Takes an upgrade request out of the graceful-shutdown count of requests in flight. */
    private static void release(HttpServerRequest request) {
        if (DONE == null) {
            return;
        }
        try {
            DONE.invoke(QuarkusRequestWrapper.get(request));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not mark a WebSocket upgrade done", e);
        }
    }

    private static Method doneMethod() {
        try {
            Method done = QuarkusRequestWrapper.class.getDeclaredMethod("done");
            done.setAccessible(true);
            return done;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("QuarkusRequestWrapper.done() not found: each shutdown after a WebSocket was opened will wait"
                    + " the whole quarkus.shutdown.timeout");
            return null;
        }
    }
}
