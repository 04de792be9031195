package dev.chat.common;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Errors that happen outside the REST layer still answer in problem+json: a request to no route at all,
 * and a body over the size limit. Without this Vert.x answers with a plain text or, in dev mode, an HTML page.
 */
@Singleton
public class HttpErrorRoutes {

    private final long maxBodyBytes;

    HttpErrorRoutes(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        // Runs before every other route but SecurityHeaders (which must see every response, this 413 too):
        // reject a declared oversize body before anything reads it.
        router.route().order(Integer.MIN_VALUE + 1).handler(rc -> {
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && isOver(length)) {
                rc.response().putHeader(HttpHeaders.CONNECTION, "close");
                Problems.write(rc.response(), Problems.of(413, ProblemMappers.detailFor(413)));
            } else {
                rc.next();
            }
        });
        // Runs after every other route: nothing matched.
        router.route()
                .order(Integer.MAX_VALUE)
                .handler(rc -> Problems.write(rc.response(), Problems.of(404, ProblemMappers.detailFor(404))));
        for (int status : new int[] {404, 405, 413, 415}) {
            router.errorHandler(status, rc -> {
                if (!rc.response().headWritten()) {
                    Problems.write(rc.response(), Problems.of(status, ProblemMappers.detailFor(status)));
                }
            });
        }
    }

    private boolean isOver(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false; // Vert.x rejects a malformed Content-Length itself
        }
    }
}
