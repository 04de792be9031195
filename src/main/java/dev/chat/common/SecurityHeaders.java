package dev.chat.common;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Headers every response carries, errors and refused upgrades included: a JSON API has nothing to sniff,
 * frame or refer. They are set just before the headers go out and only where a route has not set its own,
 * so a page that needs a fuller Content-Security-Policy (a browser client under {@code /}) sets it and
 * keeps it; {@code frame-ancestors 'none'} is only the default. No {@code Server} header is sent (Vert.x
 * sends none unless told), so nothing names the stack or its version.
 */
@Singleton
public class SecurityHeaders {

    static final String NOSNIFF = "nosniff";
    static final String FRAME_ANCESTORS_NONE = "frame-ancestors 'none'";
    static final String NO_REFERRER = "no-referrer";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            rc.addHeadersEndHandler(ignored -> {
                MultiMap headers = rc.response().headers();
                setIfAbsent(headers, "X-Content-Type-Options", NOSNIFF);
                setIfAbsent(headers, "Content-Security-Policy", FRAME_ANCESTORS_NONE);
                setIfAbsent(headers, "Referrer-Policy", NO_REFERRER);
                headers.remove("Server");
            });
            rc.next();
        });
    }

    private static void setIfAbsent(MultiMap headers, String name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
