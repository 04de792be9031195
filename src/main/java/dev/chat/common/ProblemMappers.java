package dev.chat.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where exceptions become problem+json. Nothing else writes error bodies for REST calls. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** Body parameters are named {@code request} throughout the resources; query and path parameters are not. */
    private static final String BODY_PARAMETER = "request";

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response response = Problems.response(e.toProblem());
        if (e.retryAfterSeconds() > 0) {
            return Response.fromResponse(response)
                    .header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds())
                    .build();
        }
        return e.status() == 401 ? withChallenge(response) : response;
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message))
                .collect(Collectors.toList());
        return Problems.response(ProblemException.invalid(errors).toProblem());
    }

    /** Malformed JSON, a value of the wrong type (no coercion), an unknown enum constant. */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class, InvalidFormatException.class
    })
    public Response json(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            String message = e instanceof InvalidFormatException format && spellings(format.getTargetType()) != null
                    ? "must be one of: " + spellings(format.getTargetType())
                    : e instanceof InvalidFormatException || e instanceof MismatchedInputException
                            ? "has the wrong type or format"
                            : "is invalid";
            return Problems.response(ProblemException.invalid(field, message).toProblem());
        }
        return Problems.response(ProblemException.badRequest("The request body is not valid JSON.")
                .toProblem());
    }

    /** "read, delivered" for a {@link Wire} enum, as its values spell themselves; null for any other type. */
    private static String spellings(Class<?> type) {
        if (type == null || !type.isEnum() || !Wire.class.isAssignableFrom(type)) {
            return null;
        }
        return Arrays.stream(type.getEnumConstants())
                .map(value -> ((Wire) value).wire())
                .collect(Collectors.joining(", "));
    }

    @ServerExceptionMapper({
        UnauthorizedException.class,
        AuthenticationFailedException.class,
        AuthenticationCompletionException.class
    })
    public Response unauthorized() {
        return withChallenge(Problems.response(ProblemException.unauthorized("A valid bearer access token is required.")
                .toProblem()));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problems.response(ProblemException.forbidden("Not allowed.").toProblem());
    }

    /** 404 for unknown routes, 405, 406, 415 and the like, raised by the REST layer itself. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        Response.ResponseBuilder answer =
                Response.fromResponse(Problems.response(Problems.of(status, detailFor(status))));
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            answer.header(HttpHeaders.ALLOW, allow);
        }
        return answer.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (Db.isUnavailable(e)) {
            // A timeout set on purpose or a database away: the client may retry; one line, no stack trace.
            LOG.warnf("Database unavailable: %s", rootMessage(e));
            return Response.fromResponse(Problems.response(
                            Problems.of(503, "The database is busy or unavailable; try again shortly.")))
                    .header(HttpHeaders.RETRY_AFTER, 1)
                    .build();
        }
        if (Db.isUnstorableText(e)) {
            return Problems.response(ProblemException.badRequest("The request contains a NUL character.")
                    .toProblem());
        }
        LOG.error("Unhandled error", e);
        return Problems.response(Problems.of(500, "An unexpected error occurred."));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static Response withChallenge(Response response) {
        return Response.fromResponse(response)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    static String detailFor(int status) {
        return switch (status) {
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed on this resource.";
            case 406 -> "The requested media type cannot be produced.";
            case 413 -> "The request body is larger than the 64 KiB limit.";
            case 415 -> "The request body must be application/json.";
            default -> "The request could not be processed.";
        };
    }

    /**
     * The client-facing name of a violated field: the JSON property, or the query/path parameter. A
     * violation on the body parameter itself (it was missing) is reported as {@code $}, the JSON root.
     */
    private static String fieldOf(ConstraintViolation<?> violation) {
        String field = null;
        boolean pastParameter = false;
        StringBuilder path = new StringBuilder();
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.PARAMETER) {
                field = node.getName();
                pastParameter = true;
                continue;
            }
            if (pastParameter && node.getName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(node.getName());
                if (node.getIndex() != null) {
                    path.append('[').append(node.getIndex()).append(']');
                }
            }
        }
        if (!path.isEmpty()) {
            return path.toString();
        }
        return field == null || BODY_PARAMETER.equals(field) ? "$" : field;
    }
}
