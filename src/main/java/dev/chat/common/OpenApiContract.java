package dev.chat.common;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * The parts of /q/openapi that every operation shares, so that the resources only declare what is theirs
 * (operation id, success answers, 403/409 where a rule of theirs can refuse). Errors are raised in one place
 * ({@link ProblemMappers}, {@link HttpErrorRoutes}) with the same few causes everywhere, so they are
 * described in one place too:
 *
 * <ul>
 *   <li>400 for every operation with input (a body, a path or a query parameter): any of them can be
 *       malformed;
 *   <li>401 for every operation that needs the bearer token (its resource says so with
 *       {@code @SecurityRequirement(name = "bearer")}); the others get an explicit empty {@code security};
 *   <li>404 for every room-scoped operation: a room the caller is not a member of does not exist for them;
 *   <li>413 and 415 for every operation with a body (over 64 KiB, not {@code application/json});
 *   <li>429 with {@code Retry-After} for every operation: abuse limits may answer any of them.
 * </ul>
 *
 * Response schemas list every property as required: Jackson writes every component of a response record,
 * a {@code null} included, so a client can rely on the field being there (nullable ones say so).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiContract implements OASFilter {

    public static final String BEARER = "bearer";

    static final String PROBLEM = "Problem";
    static final String FIELD_ERROR = "FieldError";
    private static final String JSON = "application/json";

    /**
     * The shared problem answers, by status: the name under components/responses and its description. 403 and
     * 409 are not among them: each operation that can give one says why, in its own words.
     */
    private static final Map<String, String[]> PROBLEM_RESPONSES = new LinkedHashMap<>();

    static {
        PROBLEM_RESPONSES.put("400", new String[] {
            "BadRequest",
            "Invalid input: malformed JSON, a value of the wrong type (no coercion), an unknown enum value, a value"
                    + " out of bounds, or a path or query parameter that does not parse. `errors` names each field"
                    + " (`$` for the body itself)."
        });
        PROBLEM_RESPONSES.put("401", new String[] {
            "Unauthorized",
            "The bearer access token is missing, invalid or expired (or, for login and refresh, the"
                    + " credentials are wrong)."
        });
        PROBLEM_RESPONSES.put("404", new String[] {
            "NotFound", "No such resource, or a room the caller is not a member of (never 403: no existence leak)."
        });
        PROBLEM_RESPONSES.put("413", new String[] {"PayloadTooLarge", "The request body is larger than 64 KiB."});
        PROBLEM_RESPONSES.put(
                "415", new String[] {"UnsupportedMediaType", "The request body is not `application/json`."});
        PROBLEM_RESPONSES.put("429", new String[] {
            "TooManyRequests", "Too many requests; `Retry-After` says after how many seconds to try again."
        });
    }

    @Override
    public void filterOpenAPI(OpenAPI api) {
        requireResponseProperties(api);
        api.servers(List.of(OASFactory.createServer()
                .url("/")
                .description("The host that serves this document; in dev mode (`./mvnw quarkus:dev`)"
                        + " http://localhost:8080.")));
        api.getComponents()
                .addSecurityScheme(
                        BEARER,
                        OASFactory.createSecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .bearerFormat("JWT")
                                .description("The `accessToken` from register, login or refresh (RS256 JWT, valid"
                                        + " `expiresIn` seconds; 900 by default)."))
                .addSchema(FIELD_ERROR, fieldErrorSchema())
                .addSchema(PROBLEM, problemSchema());
        PROBLEM_RESPONSES.forEach(
                (status, named) -> api.getComponents().addResponse(named[0], problemResponse(status)));
        if (api.getPaths() != null) {
            api.getPaths()
                    .getPathItems()
                    .forEach((path, item) -> item.getOperations()
                            .values()
                            .forEach(operation -> addSharedResponses(path, item, operation)));
        }
    }

    private static void addSharedResponses(String path, PathItem item, Operation operation) {
        boolean secured =
                operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        if (!secured) {
            operation.setSecurity(new ArrayList<>()); // explicitly public: register, login, refresh
        }
        boolean body = operation.getRequestBody() != null;
        boolean input = body || nonEmpty(operation.getParameters()) || nonEmpty(item.getParameters());
        APIResponses responses = operation.getResponses();
        if (input) {
            addProblem(responses, "400");
        }
        if (secured) {
            addProblem(responses, "401");
        }
        if (path.contains("{roomId}")) {
            addProblem(responses, "404");
        }
        if (body) {
            addProblem(responses, "413");
            addProblem(responses, "415");
        }
        addProblem(responses, "429");
    }

    private static void addProblem(APIResponses responses, String status) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, reference(status));
        }
    }

    /** A {@code $ref} to the shared answer for the status. Resources use the same names in {@code ref}. */
    private static APIResponse reference(String status) {
        return OASFactory.createAPIResponse().ref(PROBLEM_RESPONSES.get(status)[0]);
    }

    private static APIResponse problemResponse(String status) {
        APIResponse response = OASFactory.createAPIResponse()
                .description(PROBLEM_RESPONSES.get(status)[1])
                .content(problemContent());
        if ("401".equals(status)) {
            response.addHeader(
                    "WWW-Authenticate",
                    OASFactory.createHeader()
                            .description("`Bearer`")
                            .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING)));
        }
        if ("429".equals(status)) {
            response.addHeader(
                    "Retry-After",
                    OASFactory.createHeader()
                            .required(true)
                            .style(Header.Style.SIMPLE)
                            .description("Seconds to wait before trying again.")
                            .schema(OASFactory.createSchema()
                                    .addType(Schema.SchemaType.INTEGER)
                                    .format("int64")
                                    .minimum(java.math.BigDecimal.ONE)
                                    .examples(List.of(30))));
        }
        return response;
    }

    private static Content problemContent() {
        return OASFactory.createContent()
                .addMediaType(
                        Problem.MEDIA_TYPE,
                        OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref(PROBLEM)));
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem document: the body of every error.")
                .required(List.of("type", "title", "status", "detail"))
                .addProperty(
                        "type",
                        string("A stable URN naming the kind of problem.")
                                .format("uri")
                                .examples(List.of("urn:chat:problem:not-found")))
                .addProperty(
                        "title", string("Short summary of the kind of problem.").examples(List.of("Not Found")))
                .addProperty(
                        "status",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.INTEGER)
                                .format("int32")
                                .description("The HTTP status code.")
                                .minimum(java.math.BigDecimal.valueOf(400))
                                .maximum(java.math.BigDecimal.valueOf(599))
                                .examples(List.of(404)))
                .addProperty("detail", string("What went wrong, for a human.").examples(List.of("No such room.")))
                .addProperty(
                        "errors",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.ARRAY)
                                .description("Validation problems only (400): one entry per invalid input.")
                                .items(OASFactory.createSchema().ref(FIELD_ERROR)));
    }

    private static Schema fieldErrorSchema() {
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("One invalid input.")
                .required(List.of("field", "message"))
                .addProperty(
                        "field",
                        string("The JSON property (dotted path, `$` for the body itself), or the query or path"
                                        + " parameter.")
                                .examples(List.of("body")))
                .addProperty("message", string("What is wrong with it.").examples(List.of("must not be blank")));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
    }

    /**
     * Every property of a response body is always present (see the class comment); requests keep their own. Times
     * are shown as the contract writes them.
     */
    private static void requireResponseProperties(OpenAPI api) {
        if (api.getComponents() == null || api.getComponents().getSchemas() == null) {
            return;
        }
        Schema instant = api.getComponents().getSchemas().get("Instant");
        if (instant != null) { // the contract's format, not Java's: always milliseconds, always UTC
            instant.description("ISO-8601 UTC with milliseconds.").setExamples(List.of("2026-11-27T01:02:03.456Z"));
        }
        api.getComponents().getSchemas().forEach((name, schema) -> {
            if (!name.endsWith("Request") && schema.getProperties() != null) {
                schema.setRequired(new ArrayList<>(schema.getProperties().keySet()));
            }
        });
    }

    private static boolean nonEmpty(List<?> list) {
        return list != null && !list.isEmpty();
    }
}
