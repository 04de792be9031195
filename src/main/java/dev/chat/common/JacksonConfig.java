package dev.chat.common;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;

/**
 * Strict JSON in, uniform JSON out. The contract says "a number is not a string": Jackson's scalar
 * coercions are switched off, so {@code {"body": 5}} is a 400 and never a message "5"; a repeated key is a
 * 400 too. Instants are
 * written as ISO-8601 UTC with exactly three fraction digits.
 */
@Singleton
public class JacksonConfig implements ObjectMapperCustomizer {

    /**
     * Last: Quarkus registers the JavaTimeModule in a customizer of its own, and the module registered last
     * wins; before, Jackson's Instant serializer won and wrote a time on a whole second without its fraction.
     */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // {"body":"a","body":"b"}: which one counts would depend on the parser, and a proxy or validator in
        // front may read the other one. Refuse it (400) instead of guessing.
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        for (LogicalType type : new LogicalType[] {
            LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean, LogicalType.Enum
        }) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        // Ids (UUID) and other scalars read from strings: "" (or a NUL, which Jackson trims to "") is no id,
        // not an absent one. By default Jackson turns it into null, and an optional id silently disappears.
        mapper.coercionConfigFor(LogicalType.OtherScalar)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        // Strings stay strings, enums are parsed from strings: undo the String-shape ban for those two.
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Enum).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        mapper.registerModule(new SimpleModule("chat-strict")
                .addSerializer(Instant.class, new InstantSerializer())
                .addDeserializer(String.class, new NoNulStringDeserializer()));
    }

    /**
     * Text PostgreSQL cannot store faithfully is bad input (400 naming the field), not a 500 or a silent
     * change later: U+0000, and an unpaired surrogate ({@code "\\uD800"} is valid JSON but no character;
     * encoding it to UTF-8 would store a "?").
     */
    private static final class NoNulStringDeserializer extends StringDeserializer {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            if (value != null && value.indexOf('\u0000') >= 0) {
                throw context.weirdStringException(value, String.class, "contains a NUL character");
            }
            if (value != null && hasUnpairedSurrogate(value)) {
                throw context.weirdStringException(value, String.class, "contains an unpaired surrogate");
            }
            return value;
        }

        private static boolean hasUnpairedSurrogate(String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isHighSurrogate(c)
                        && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(Times.format(value));
        }
    }
}
