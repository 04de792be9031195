package dev.chat.common;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

/** Builds problem documents and responses, so that every error in the service has the same shape. */
public final class Problems {

    /** Problem types are URNs: stable identifiers for clients, not links to documentation. */
    private static final String TYPE_PREFIX = "urn:chat:problem:";

    private Problems() {}

    public static Problem of(int status, String type, String title, String detail, List<Problem.FieldError> errors) {
        return new Problem(TYPE_PREFIX + type, title, status, detail, errors);
    }

    public static Problem of(int status, String detail) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        return of(status, slug(title), title, detail, null);
    }

    public static Response response(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }

    /** Writes a problem straight to a Vert.x response, for errors raised before the REST layer runs. */
    public static void write(HttpServerResponse response, Problem problem) {
        response.setStatusCode(problem.status())
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(Json.encode(problem));
    }

    private static String slug(String title) {
        return title.toLowerCase(Locale.ROOT).replace(' ', '-');
    }
}
