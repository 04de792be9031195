package dev.chat.common;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Errors that happen outside the REST layer still answer in problem+json: a request to no route at all,
 * a body over the size limit, and a refused WebSocket upgrade. Without this Vert.x answers with a plain text,
 * an empty body or, in dev mode, an HTML page.
 */
@Singleton
public class HttpErrorRoutes {

    private final long maxBodyBytes;
    private final BodyHandler chunkedBodies;

    HttpErrorRoutes(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.chunkedBodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    }

    void install(@Observes Router router) {
        // Runs before every other route but SecurityHeaders (which must see every response, this 413 too):
        // reject a declared oversize body before anything reads it.
        router.route()
                .order(Integer.MIN_VALUE + 1)
                .handler(rc -> {
                    String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    if (length != null && isOver(length)) {
                        tooLarge(rc);
                    } else if (isNonJsonBody(rc.request())) {
                        Problems.write(rc.response(), Problems.of(415, ProblemMappers.detailFor(415)));
                    } else if (length == null && rc.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                        // A chunked body declares no size. Left to the REST layer, one over the limit is cut off with a
                        // bare 413 deep inside its reader; buffered here under the same limit, it fails this route with
                        // 413 (answered by the failure handler below), and the REST layer reads the buffer.
                        chunkedBodies.handle(rc);
                    } else {
                        rc.next();
                    }
                })
                .failureHandler(rc -> {
                    if (rc.statusCode() == 413 && !rc.response().headWritten()) {
                        tooLarge(rc);
                    } else {
                        rc.next();
                    }
                });
        // A refused upgrade without credentials never fails the route: the HTTP security check answers it
        // with a bare challenge. Answer it here, before that check runs; bad credentials fail the route and
        // are answered by refusedUpgrade below.
        router.route("/ws").order(Integer.MIN_VALUE + 2).handler(rc -> {
            if (hasCredentials(rc.request())) {
                rc.next();
            } else {
                unauthorized(rc);
            }
        });
        // Runs after every other route: nothing matched.
        router.route()
                .order(Integer.MAX_VALUE)
                .handler(rc -> Problems.write(rc.response(), Problems.of(404, ProblemMappers.detailFor(404))));
        // The WebSocket upgrade never reaches the REST layer's mappers: its 401 comes from the HTTP security
        // check and its 429 from ConnectionCap, which fails the upgrade check with the problem. Both end here.
        router.route("/ws").order(Integer.MIN_VALUE + 3).failureHandler(HttpErrorRoutes::refusedUpgrade);
        for (int status : new int[] {404, 405, 413, 415}) {
            router.errorHandler(status, rc -> {
                if (!rc.response().headWritten()) {
                    Problems.write(rc.response(), Problems.of(status, ProblemMappers.detailFor(status)));
                }
            });
        }
    }

    private static void refusedUpgrade(RoutingContext rc) {
        if (rc.response().headWritten()) {
            rc.next();
            return;
        }
        Throwable failure = rc.failure();
        if (failure instanceof ProblemException problem) {
            if (problem.retryAfterSeconds() > 0) {
                rc.response().putHeader("Retry-After", Long.toString(problem.retryAfterSeconds()));
            }
            Problems.write(rc.response(), problem.toProblem());
        } else if (failure instanceof UnauthorizedException
                || failure instanceof AuthenticationFailedException
                || failure instanceof AuthenticationCompletionException
                || rc.statusCode() == 401) {
            unauthorized(rc);
        } else {
            rc.next();
        }
    }

    private static void tooLarge(RoutingContext rc) {
        rc.response().putHeader(HttpHeaders.CONNECTION, "close");
        Problems.write(rc.response(), Problems.of(413, ProblemMappers.detailFor(413)));
    }

    private static void unauthorized(RoutingContext rc) {
        rc.response().putHeader("WWW-Authenticate", "Bearer");
        Problems.write(
                rc.response(),
                ProblemException.unauthorized("A valid bearer access token or ticket is required.")
                        .toProblem());
    }

    /** A bearer token or a ticket, valid or not: the HTTP security check decides about those. */
    private static boolean hasCredentials(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        boolean bearer = authorization != null
                && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && !authorization.substring(7).isBlank();
        String ticket = request.getParam("ticket");
        return bearer || (ticket != null && !ticket.isBlank());
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
