package dev.chat.limits;

import dev.chat.common.ChatConfig;
import dev.chat.common.ProblemException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The service's request limits, one method per limited action; each resource calls one before its service
 * call and chains the call on it. A refused request fails with 429 problem+json and {@code Retry-After}, and
 * nothing behind it runs: no password is hashed, nothing is read or written.
 *
 * <p>Buckets are keyed by what an abuser cannot multiply cheaply: the user for authenticated calls; the
 * client address for registrations; the username <em>and</em> the address for logins, so that guesses from
 * one address never lock the owner out from another. An IPv6 client counts by its /64, the block one
 * subscriber usually holds. Behind a proxy the address is the one Quarkus derives from
 * {@code quarkus.http.proxy.*} (off by default: the socket's peer).
 */
@ApplicationScoped
public class Limits {

    private final RateLimiter limiter;
    private final ChatConfig.Limits config;
    private final CurrentVertxRequest request;

    Limits(
            @ConfigProperty(name = "chat.fanout", defaultValue = "local") String fanout,
            Instance<RedisRateLimiter> redis,
            LocalRateLimiter local,
            ChatConfig config,
            CurrentVertxRequest request) {
        // Same switch as the fan-out: with several instances behind Redis, the limits are shared through it too.
        this.limiter = "redis".equalsIgnoreCase(fanout.strip()) ? redis.get() : local;
        this.config = config.limits();
        this.request = request;
    }

    /** Counted for every attempt, before the password is looked at: parallel guesses cannot slip through. */
    public Uni<Void> login(String username) {
        return take(
                "login:" + address() + ":" + username.toLowerCase(Locale.ROOT),
                config.login(),
                "Too many login attempts for this user from this address; try again later.");
    }

    public Uni<Void> register() {
        return take("register:" + address(), config.register(), "Too many registrations from this address.");
    }

    public Uni<Void> send(UUID userId) {
        return take("send:" + userId, config.send(), "Too many messages; slow down.");
    }

    public Uni<Void> typing(UUID userId) {
        return take("typing:" + userId, config.typing(), "Too many typing signals; slow down.");
    }

    public Uni<Void> receipt(UUID userId) {
        return take("receipt:" + userId, config.receipts(), "Too many receipts; slow down.");
    }

    public Uni<Void> createRoom(UUID userId) {
        return take("room:" + userId, config.roomCreation(), "Too many rooms created; try again later.");
    }

    private Uni<Void> take(String key, Rate rate, String detail) {
        return limiter.acquire(key, rate)
                .chain(waitMillis -> waitMillis == 0
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom()
                                .failure(ProblemException.tooManyRequests(detail, (waitMillis + 999) / 1000)));
    }

    private String address() {
        SocketAddress peer = request.getCurrent().request().remoteAddress();
        return peer == null || peer.hostAddress() == null ? "unknown" : block(peer.hostAddress());
    }

    /** An IPv4 address as is; an IPv6 address cut to its /64. The text is an IP literal: no lookup happens. */
    static String block(String hostAddress) {
        if (hostAddress.indexOf(':') < 0) {
            return hostAddress;
        }
        try {
            InetAddress address = InetAddress.getByName(hostAddress);
            if (address instanceof Inet6Address) {
                byte[] bytes = Arrays.copyOf(address.getAddress(), 16);
                Arrays.fill(bytes, 8, 16, (byte) 0);
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            }
            return address.getHostAddress();
        } catch (UnknownHostException e) {
            return hostAddress;
        }
    }
}
