package dev.chat;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Entry point. A production artifact first checks the settings the service cannot run without, so that a
 * missing one ends the start with one line naming the environment variable, not a stack trace.
 *
 * <p>"Production artifact" means a build without the embedded database (profile {@code prod} or
 * {@code native} of the pom). The launch mode cannot tell: this runs before Quarkus has set it, and dev
 * mode calls it too; the embedded database, which only dev and test builds contain, can.
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

    /** Present only in builds with the embedded database (dev mode, tests). */
    static final String EMBEDDED_DATABASE = "io.quarkiverse.embedded.postgresql.EmbeddedPostgreSQLRecorder";

    public static void main(String... args) {
        if (!isPresent(EMBEDDED_DATABASE)) {
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

    static Optional<Required> firstMissing(Config config) {
        return REQUIRED_IN_PROD.stream()
                .filter(r -> config.getOptionalValue(r.property(), String.class)
                        .filter(v -> !v.isBlank())
                        .isEmpty())
                .findFirst();
    }

    static boolean isPresent(String className) {
        try {
            Class.forName(className, false, ChatApplication.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
