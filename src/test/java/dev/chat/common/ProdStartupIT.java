package dev.chat.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The packaged artifact, started without its required settings, refuses to start with one line that names
 * the missing environment variable, and no stack trace. Runs on the production build (.ci/run).
 */
class ProdStartupIT {

    private static final List<String> SETTINGS = List.of(
            "QUARKUS_DATASOURCE_REACTIVE_URL",
            "QUARKUS_DATASOURCE_JDBC_URL",
            "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
            "SMALLRYE_JWT_SIGN_KEY_LOCATION");

    @Test
    void shouldRefuseToStartWithoutItsKeys() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the application first");
        // Only a production build (-Pprod) checks its settings; dev/test builds bring their own database.
        try (var libs = Files.list(jar.resolveSibling("lib").resolve("main"))) {
            Assumptions.assumeFalse(
                    libs.anyMatch(lib -> lib.getFileName().toString().contains("embedded-postgresql")),
                    "not a production build: it contains the embedded database");
        }
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .redirectErrorStream(true);
        SETTINGS.stream()
                .filter(s -> s.startsWith("MP_") || s.startsWith("SMALLRYE_"))
                .forEach(builder.environment()::remove);
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "it should stop by itself");
            String output = new String(process.getInputStream().readAllBytes());
            assertEquals(1, process.exitValue(), output);
            List<String> lines =
                    output.lines().filter(l -> l.contains("Cannot start")).toList();
            assertEquals(1, lines.size(), output);
            assertTrue(SETTINGS.stream().anyMatch(lines.get(0)::contains), output);
            assertTrue(!output.contains("Exception") && !output.contains("\tat "), output);
        } finally {
            process.destroyForcibly();
        }
    }
}
