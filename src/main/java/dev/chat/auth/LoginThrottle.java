package dev.chat.auth;

import dev.chat.common.ChatConfig;
import dev.chat.common.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Slows down password guessing: after {@code maxFailures} failed logins for one username within a window,
 * further attempts for it get 429 with {@code Retry-After} until the window ends. The count is per instance
 * (a guesser spread over N replicas gets N times the budget, still bcrypt-bound) and keyed by username, so
 * one attacker cannot lock out everyone behind a shared address.
 */
@ApplicationScoped
public class LoginThrottle {

    /** Past this many tracked usernames, finished windows are dropped so the map cannot grow without bound. */
    private static final int SWEEP_THRESHOLD = 10_000;

    private record Window(long startMillis, int failures) {}

    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();
    private final int maxFailures;
    private final long windowMillis;
    private final Clock clock;

    LoginThrottle(ChatConfig config) {
        this.maxFailures = config.auth().loginMaxFailures();
        this.windowMillis = config.auth().loginFailureWindow().toMillis();
        this.clock = Clock.systemUTC();
    }

    /** Fails with 429 when the username has used up its failures in the current window. */
    public void check(String username) {
        Window window = windows.get(key(username));
        long now = clock.millis();
        if (window != null && window.failures() >= maxFailures && now - window.startMillis() < windowMillis) {
            long retryAfter = (window.startMillis() + windowMillis - now + 999) / 1000;
            throw ProblemException.tooManyRequests(
                    "Too many failed logins for this user; try again later.", retryAfter);
        }
    }

    public void failed(String username) {
        long now = clock.millis();
        windows.compute(
                key(username),
                (k, w) -> w == null || now - w.startMillis() >= windowMillis
                        ? new Window(now, 1)
                        : new Window(w.startMillis(), w.failures() + 1));
        if (windows.size() > SWEEP_THRESHOLD) {
            windows.values().removeIf(w -> now - w.startMillis() >= windowMillis);
        }
    }

    public void succeeded(String username) {
        windows.remove(key(username));
    }

    private static String key(String username) {
        return username.toLowerCase();
    }
}
