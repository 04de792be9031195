package dev.chat;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.runtime.configuration.ConfigUtils;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Entry point. In production it first checks the settings the service cannot run without, so that a
 * missing one ends the start with one line naming the environment variable, not a stack trace.
 */
@QuarkusMain
public class ChatApplication {

    /** A required production setting: its property, the environment variable that sets it, what it is. */
    record Required(String property, String environment, String meaning) {}

    static final List<Required> REQUIRED_IN_PROD = List.of(
            new Required(
                    "quarkus.datasource.reactive.url",
                    "QUARKUS_DATASOURCE_REACTIVE_URL",
                    "the PostgreSQL URL the service reads and writes through"),
            new Required(
                    "quarkus.datasource.jdbc.url",
                    "QUARKUS_DATASOURCE_JDBC_URL",
                    "the PostgreSQL URL Flyway migrates through"),
            new Required(
                    "mp.jwt.verify.publickey.location",
                    "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                    "the PEM public key that verifies access tokens"),
            new Required(
                    "smallrye.jwt.sign.key.location",
                    "SMALLRYE_JWT_SIGN_KEY_LOCATION",
                    "the PEM private key that signs access tokens"));

    /** Present only in builds with the embedded database (dev, tests), where it supplies the URLs itself. */
    private static final String EMBEDDED_DATABASE = "io.quarkiverse.embedded.postgresql.EmbeddedPostgreSQLRecorder";

    public static void main(String... args) {
        if (LaunchMode.current() == LaunchMode.NORMAL && isProd()) {
            Optional<Required> missing = firstMissing(ConfigProvider.getConfig());
            if (missing.isPresent()) {
                Required r = missing.get();
                // Logging is not set up before Quarkus.run: this one line goes straight to stderr.
                System.err.printf(
                        "ERROR [dev.chat] Cannot start: required setting %s is not set (%s: %s).%n",
                        r.environment(), r.property(), r.meaning());
                System.exit(1);
            }
        }
        Quarkus.run(args);
    }

    private static boolean isProd() {
        return ConfigUtils.getProfiles().contains("prod");
    }

    static Optional<Required> firstMissing(Config config) {
        boolean embeddedDatabase = isPresent(EMBEDDED_DATABASE);
        return REQUIRED_IN_PROD.stream()
                .filter(r -> !(embeddedDatabase && r.property().startsWith("quarkus.datasource.")))
                .filter(r -> config.getOptionalValue(r.property(), String.class)
                        .filter(v -> !v.isBlank())
                        .isEmpty())
                .findFirst();
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, ChatApplication.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
