package dev.chat.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks pushed frames against the AsyncAPI document the service serves at {@code /asyncapi.yaml}: the
 * real-time tests call {@link #check} on every frame they receive, so a frame the document does not describe
 * fails them. Only what the document says the server sends counts (the messages of its {@code send}
 * operations, the replies of its {@code receive} ones): a {@code ping} from the server would be as wrong as an
 * unknown type.
 */
public final class FrameSchemas {

    /** On the class path as in the artifact: the file the service serves, not a copy. */
    static final String DOCUMENT = "META-INF/resources/asyncapi.yaml";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, JsonSchema> BY_TYPE = load();

    private FrameSchemas() {}

    /** Throws {@link AssertionError} naming every violation when the frame is not one the document describes. */
    public static void check(JsonObject frame) {
        Object type = frame.getValue("type");
        JsonSchema schema = type instanceof String name ? BY_TYPE.get(name) : null;
        if (schema == null) {
            throw new AssertionError("A frame of a type that asyncapi.yaml does not describe (it knows "
                    + BY_TYPE.keySet() + "): " + frame.encode());
        }
        Set<ValidationMessage> violations;
        try {
            violations = schema.validate(JSON.readTree(frame.encode()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!violations.isEmpty()) {
            throw new AssertionError(violations.stream()
                    .map(ValidationMessage::getMessage)
                    .sorted()
                    .collect(Collectors.joining(
                            "\n  ", "A " + type + " frame violates asyncapi.yaml:\n  ", "\nframe: " + frame.encode())));
        }
    }

    /** Frame types the server sends, each with the schema of its payload. */
    static Set<String> types() {
        return BY_TYPE.keySet();
    }

    private static Map<String, JsonSchema> load() {
        JsonNode document = read();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        Map<String, JsonSchema> byType = new LinkedHashMap<>();
        for (JsonNode operation : document.path("operations")) {
            // The server sends the messages of its send operations and the replies of its receive operations.
            JsonNode sent = "send".equals(operation.path("action").asText())
                    ? operation.path("messages")
                    : operation.path("reply").path("messages");
            for (JsonNode ref : sent) {
                // #/channels/socket/messages/<key> -> #/components/messages/<key> -> its payload's $ref
                JsonNode channelMessage = document.at(ref.path("$ref").asText().substring(1));
                JsonNode message =
                        document.at(channelMessage.path("$ref").asText().substring(1));
                String payload = message.path("payload").path("$ref").asText();
                if (!payload.startsWith("#/components/schemas/")) {
                    throw new IllegalStateException("Unexpected payload in " + DOCUMENT + ": " + message);
                }
                byType.put(
                        message.path("name").asText(),
                        factory.getSchema(SchemaLocation.of("classpath:" + DOCUMENT + payload), config));
            }
        }
        if (byType.isEmpty()) {
            throw new IllegalStateException(DOCUMENT + " describes no frames the server sends");
        }
        return byType;
    }

    private static JsonNode read() {
        try (InputStream in = FrameSchemas.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is not on the class path");
            }
            return new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
