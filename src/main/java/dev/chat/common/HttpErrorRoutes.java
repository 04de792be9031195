package dev.chat.common;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Locale;
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
            } else if (isNonJsonBody(rc.request())) {
                Problems.write(rc.response(), Problems.of(415, ProblemMappers.detailFor(415)));
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

    /**
     * A body sent to the API under another media type than JSON. Left to the REST layer, some endpoints
     * answered 415 and others read {@code text/plain} (or no declared type) as JSON anyway; the contract is
     * JSON only, so the rule is stated once, here, for every endpoint.
     */
    static boolean isNonJsonBody(HttpServerRequest request) {
        if (!request.path().startsWith("/api/")) {
            return false;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean hasBody = request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || (length != null && !length.trim().equals("0"));
        if (!hasBody) {
            return false;
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return true;
        }
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return !media.equals("application/json");
    }

    private boolean isOver(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false; // Vert.x rejects a malformed Content-Length itself
        }
    }
}
