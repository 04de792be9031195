package dev.chat.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.authentication.PreemptiveOAuth2HeaderScheme;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every HTTP answer of the black-box suite is checked against the OpenAPI document that the artifact under
 * test serves at {@code /q/openapi}: a status, header or body the document does not describe fails the
 * request's test. Installed once as a global RestAssured filter for {@code @QuarkusIntegrationTest} classes
 * (a JUnit extension found by auto-detection, switched on for the failsafe run only: see pom.xml); the fixtures'
 * requests, which do not go through RestAssured, {@code Api.fixture} hands to {@link #check}.
 *
 * <p>Requests are checked too, but only when the service accepted them (2xx): a request the service takes
 * and the document forbids means the document is stricter than the truth. Requests that were refused are
 * often the hostile-input tests' deliberately invalid ones, so only their answers are checked.
 *
 * <p>Not checked, because they are no part of the API: calls to operations the document does not have (the
 * {@code /q/*} operations endpoints, and the tests' deliberately unknown routes and methods, which get 404
 * and 405). They are counted, and listed in {@code target/openapi-validation.txt} with the totals.
 *
 * <p>{@code -Dopenapi.validation=report} records violations in that file instead of failing: for measuring.
 */
public final class OpenApiValidation implements BeforeAllCallback, AfterAllCallback {

    private static final Filter FILTER = new ValidatingFilter();
    private static final boolean REPORT_ONLY = "report".equals(System.getProperty("openapi.validation"));
    private static final Path SUMMARY = Path.of("target", "openapi-validation.txt");
    /** Keys the validator gives to calls that the document has no operation for. */
    private static final Set<String> NOT_IN_DOCUMENT =
            Set.of("validation.request.path.missing", "validation.request.operation.notAllowed");

    private static final Map<String, OpenApiInteractionValidator> VALIDATORS = new ConcurrentHashMap<>();
    private static final AtomicInteger CHECKED = new AtomicInteger();
    private static final AtomicInteger VIOLATING = new AtomicInteger();
    private static final Set<String> OUTSIDE = new ConcurrentSkipListSet<>();
    private static final Set<String> VIOLATIONS = new ConcurrentSkipListSet<>();
    private static final AtomicInteger OUTSIDE_CALLS = new AtomicInteger();
    private static final Pattern INSTANCE_PATH = Pattern.compile("\\[Path '([^']*)'\\]");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (context.getRequiredTestClass().isAnnotationPresent(QuarkusIntegrationTest.class)) {
            install();
        }
    }

    /** The figures so far, after every class: a forked test JVM's shutdown hooks do not always get to run. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (installed) {
            writeSummary();
        }
    }

    private static synchronized void install() {
        if (!installed) {
            RestAssured.filters(FILTER);
            installed = true;
        }
    }

    /**
     * A request made without RestAssured ({@code Api.fixture}), checked as the filter checks RestAssured's: once
     * the black-box suite has installed the filter, otherwise not at all.
     */
    static void check(String method, URI uri, String authorization, String json, HttpResponse<String> answer) {
        if (!installed) {
            return;
        }
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, uri.getRawPath()).withAccept("*/*");
        if (authorization != null) {
            request.withAuthorization(authorization);
        }
        if (json != null) {
            request.withContentType("application/json").withBody(json);
        }
        SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.statusCode());
        answer.headers().map().forEach(response::withHeader);
        validate(method, uri, request.build(), response.withBody(answer.body()).build(), answer.body());
    }

    private static final class ValidatingFilter implements Filter {
        @Override
        public Response filter(
                FilterableRequestSpecification request, FilterableResponseSpecification spec, FilterContext ctx) {
            if (request.getAuthenticationScheme() instanceof PreemptiveOAuth2HeaderScheme bearer) {
                // The same header the scheme would add, but where the validator sees it (it reads headers only).
                request.auth().none().header("Authorization", "Bearer " + bearer.getAccessToken());
            }
            Response response = ctx.next(request, spec);
            validate(
                    request.getMethod(),
                    URI.create(request.getURI()),
                    RestAssuredRequest.of(request),
                    RestAssuredResponse.of(response),
                    response.asString());
            return response;
        }
    }

    /**
     * Checks one call: its answer always, its request when the service accepted it. Fails (throws) on a
     * violation, unless {@code -Dopenapi.validation=report}.
     */
    private static void validate(
            String method, URI uri, Request request, com.atlassian.oai.validator.model.Response answer, String body) {
        OpenApiInteractionValidator validator = VALIDATORS.computeIfAbsent(origin(uri), OpenApiValidation::load);
        int status = answer.getStatus();
        ValidationReport report = status >= 200 && status < 300
                ? validator.validate(request, answer)
                : validator.validateResponse(uri.getRawPath(), Request.Method.valueOf(method), answer);
        String call = method + " " + uri.getRawPath() + " -> " + status;
        List<ValidationReport.Message> errors = report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .filter(m -> !isNullForNullableReference(m, body))
                .toList();
        if (errors.stream().anyMatch(m -> NOT_IN_DOCUMENT.contains(m.getKey()))) {
            OUTSIDE_CALLS.incrementAndGet();
            OUTSIDE.add(call);
            return;
        }
        CHECKED.incrementAndGet();
        if (!errors.isEmpty()) {
            VIOLATING.incrementAndGet();
            String text = errors.stream()
                    .map(OpenApiValidation::describe)
                    .collect(Collectors.joining("\n  ", call + " violates /q/openapi:\n  ", ""));
            errors.forEach(m -> VIOLATIONS.add(call.replaceAll("[0-9a-f-]{36}", "{id}") + "  "
                    + describe(m).replaceAll("[0-9a-f-]{36}", "{id}")));
            if (!REPORT_ONLY) {
                throw new AssertionError(text + "\nbody: " + body);
            }
        }
    }

    /**
     * OpenAPI 3.0 has no null type: a nullable reference is written {@code {type, nullable: true, allOf: [$ref]}},
     * as SmallRye writes it and generators read it. This validator lets {@code nullable} admit the null for
     * {@code type}, then fails it on the referenced schema inside {@code allOf}. Such an allOf error on a null
     * is dropped: had the property not been nullable, the null would still fail {@code type}, which SmallRye
     * writes beside every {@code allOf}.
     */
    private static boolean isNullForNullableReference(ValidationReport.Message message, String body) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            return false;
        }
        return isNullForNullableReference(message, tree);
    }

    /** A null under such an allOf, or an object whose only violations, however deep, are such nulls. */
    private static boolean isNullForNullableReference(ValidationReport.Message message, JsonNode body) {
        if (!message.getKey().endsWith(".allOf")) {
            return false;
        }
        Matcher at = INSTANCE_PATH.matcher(message.getMessage());
        if (at.find() && body.at(at.group(1)).isNull()) {
            return true;
        }
        List<ValidationReport.Message> nested = message.getNestedMessages();
        return !nested.isEmpty() && nested.stream().allMatch(m -> isNullForNullableReference(m, body));
    }

    private static String describe(ValidationReport.Message message) {
        String nested = message.getNestedMessages().stream()
                .map(OpenApiValidation::describe)
                .collect(Collectors.joining("; "));
        return message.getKey() + ": " + message.getMessage() + (nested.isEmpty() ? "" : " [" + nested + "]");
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    /** The document as the artifact under test serves it, fetched once per server. */
    private static OpenApiInteractionValidator load(String origin) {
        return OpenApiInteractionValidator.createForInlineApiSpecification(fetch(origin + "/q/openapi?format=json"))
                .build();
    }

    private static String fetch(String url) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + answer.statusCode());
            }
            return answer.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized void writeSummary() {
        String text = "responses checked against /q/openapi: " + CHECKED.get() + "\n"
                + "responses violating it: " + VIOLATING.get() + "\n"
                + "distinct violations: " + VIOLATIONS.size() + "\n"
                + String.join("\n", VIOLATIONS) + (VIOLATIONS.isEmpty() ? "" : "\n")
                + "calls outside the documented API (not checked): " + OUTSIDE_CALLS.get() + "\n"
                + String.join("\n", OUTSIDE) + "\n";
        try {
            Files.createDirectories(SUMMARY.getParent());
            Files.writeString(SUMMARY, text);
        } catch (IOException ignored) {
            // a summary for people: the tests have already failed on any violation
        }
    }
}
