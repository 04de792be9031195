package dev.chat.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.regex.Pattern;

/**
 * The browser client is a single page ({@code META-INF/resources/index.html} and its {@code /assets/}). Its own
 * routes ({@code /rooms/<id>}) are deep links that must load the page too, while every other unknown path,
 * {@code /api/*} and {@code /q/*} among them, keeps the problem+json 404 of {@code common.HttpErrorRoutes}.
 * The page and its assets carry a strict Content-Security-Policy: scripts and styles only from the service's
 * own origin (no inline script or style), the WebSocket and REST calls only to it, and no framing. The
 * operations pages under {@code /q/} (Swagger UI, Dev UI) use inline scripts and are left alone.
 */
@Singleton
public class WebClientRoutes {

    static final String CONTENT_SECURITY_POLICY = String.join(
            "; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    /** The client's own paths: the page, its assets, and its deep links. */
    private static final Pattern CLIENT_PATH = Pattern.compile("/|/index\\.html|/assets/.*|/rooms/[^/]+");

    private static final Pattern DEEP_LINK = Pattern.compile("/rooms/[^/]+");

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(WebClientRoutes::secureClientPaths);
        // A deep link is answered with the page itself; the client reads the path and opens the room.
        router.routeWithRegex(HttpMethod.GET, DEEP_LINK.pattern()).handler(rc -> rc.reroute("/index.html"));
        router.routeWithRegex(HttpMethod.HEAD, DEEP_LINK.pattern()).handler(rc -> rc.reroute("/index.html"));
    }

    private static void secureClientPaths(RoutingContext rc) {
        if (CLIENT_PATH.matcher(rc.normalizedPath()).matches()) {
            rc.addHeadersEndHandler(ignored -> addSecurityHeaders(rc.response(), rc.normalizedPath()));
        }
        rc.next();
    }

    private static void addSecurityHeaders(HttpServerResponse response, String path) {
        response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cross-Origin-Opener-Policy", "same-origin");
        if (!path.startsWith("/assets/")) {
            // The page is small and names its assets: always revalidate it, so a new release is picked up.
            response.putHeader("Cache-Control", "no-cache");
        }
    }
}
