package dev.chat.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** An RFC 9457 problem document: the body of every error response. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection // also written outside the REST layer (HttpErrorRoutes), also in native images
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One invalid input: the JSON field, query or path parameter it came from, and what is wrong. */
    @RegisterForReflection
    public record FieldError(String field, String message) {}
}
