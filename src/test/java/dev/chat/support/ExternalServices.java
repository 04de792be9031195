package dev.chat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real servers that multi-process tests share or start: the machine's PostgreSQL (a fresh database per
 * test class) and redis-server processes of their own. A test that needs them fails when CI asks for them
 * ({@code -Drequire.services=true}, set by .ci/run) and is reported as skipped, never as passed,
 * where they are missing otherwise.
 */
public final class ExternalServices {

    private static final String PG_HOST = "127.0.0.1";
    private static final int PG_PORT = 5432;

    private ExternalServices() {}

    /** Skips the test, or fails it when the services are required, unless PostgreSQL and redis-server exist. */
    public static void require() {
        boolean required = Boolean.getBoolean("require.services");
        String missing = null;
        if (!listening(PG_HOST, PG_PORT)) {
            missing = "PostgreSQL on " + PG_HOST + ":" + PG_PORT;
        } else if (redisServer() == null) {
            missing = "redis-server on the PATH";
        }
        if (missing != null) {
            if (required) {
                throw new AssertionError("required for this test and missing: " + missing);
            }
            Assumptions.abort("not run: needs " + missing);
        }
    }

    /** A new, empty database on the machine's PostgreSQL, as the QUARKUS_DATASOURCE_* variables name it. */
    public static Map<String, String> freshDatabase() {
        String name = "chat_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("CREATE DATABASE " + name);
        // Dropped when the test JVM ends, after the instances using it (FORCE ends their sessions if one was
        // left running): CI runs on the machine's shared PostgreSQL, which must not fill up with test databases.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (RuntimeException e) {
                System.err.println("Could not drop test database " + name + ": " + e.getMessage());
            }
        }));
        return Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL",
                "postgresql://" + PG_HOST + ":" + PG_PORT + "/" + name,
                "QUARKUS_DATASOURCE_JDBC_URL",
                "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + name,
                "QUARKUS_DATASOURCE_USERNAME",
                "postgres",
                "QUARKUS_DATASOURCE_PASSWORD",
                "unused-trust-auth");
    }

    private static void admin(String sql) {
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/postgres", "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run: " + sql, e);
        }
    }

    /** A redis-server of the test's own, on a free port, that the test may stop and start again. */
    public static final class Redis implements AutoCloseable {
        public final int port;
        private Process process;

        public Redis() {
            this(Instance.freePort());
        }

        /** On a port chosen earlier: one the service under test was configured with before any server ran. */
        public Redis(int port) {
            this.port = port;
        }

        public Redis start() {
            try {
                process = new ProcessBuilder(
                                redisServer(),
                                "--port",
                                Integer.toString(port),
                                "--bind",
                                "127.0.0.1",
                                "--save",
                                "",
                                "--appendonly",
                                "no")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(
                                Path.of("target", "redis-" + port + ".log").toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!listening("127.0.0.1", port)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not start");
                }
                Instance.sleep(50);
            }
            return this;
        }

        public String hosts() {
            return "redis://127.0.0.1:" + port;
        }

        /** Runs one command with the redis-cli next to redis-server; returns what it printed. */
        public String cli(String... command) {
            List<String> line = new ArrayList<>(List.of(
                    Path.of(redisServer()).resolveSibling("redis-cli").toString(), "-p", Integer.toString(port)));
            line.addAll(List.of(command));
            try {
                Process cli = new ProcessBuilder(line).redirectErrorStream(true).start();
                String out = new String(cli.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (!cli.waitFor(10, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                    throw new IllegalStateException("redis-cli " + command[0] + " failed: " + out);
                }
                return out.trim();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        public void stop() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            if (process != null && process.isAlive()) {
                stop();
            }
        }
    }

    private static String redisServer() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
