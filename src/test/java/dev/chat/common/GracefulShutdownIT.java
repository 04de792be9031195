package dev.chat.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real SIGTERM to the packaged artifact (jar or native binary) while it is busy: two WebSocket clients, a
 * send held in flight by a room lock the test takes in the database, and a stream of sends racing the whole
 * shutdown. The shutdown happens once, in {@link #startThenStopWhileBusy()}; each test checks one promise of
 * the contract on what was observed.
 *
 * <p>It starts the artifact itself, so it runs in a failsafe execution of its own (tag {@value #OWN_PROCESS}),
 * after the black-box suite, when no launched artifact holds the embedded database's build-time port. The
 * database must outlive the process, so that what was stored can be read after the exit: the PostgreSQL of
 * QUARKUS_DATASOURCE_* when set (.ci/run, production or native build), else one this test starts (a test
 * build's own embedded database gets the SIGTERM too, and stops at once).
 */
@Tag(GracefulShutdownIT.OWN_PROCESS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulShutdownIT {

    static final String OWN_PROCESS = "own-process";
    /** deploy/kubernetes/deployment.yaml: terminationGracePeriodSeconds (30 s) minus the preStop sleep (5 s). */
    private static final Duration GRACE = Duration.ofSeconds(25);
    /** Generous: the shared CI machine may be busy with other builds. */
    private static final Duration STARTUP = Duration.ofSeconds(180);

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_RACING_SENDS = 5000;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private Path work;
    private Process process;
    private URI base;
    /** The database the artifact uses, when this test started it. */
    private AutoCloseable ownDatabase;

    private String jdbcUrl;
    private String dbUser;
    private String dbPassword;
    /** Holds the room lock. */
    private Connection lock;
    /** Reads, in autocommit: pg_stat_activity is a snapshot per transaction. */
    private Connection db;

    // What was observed, in System.nanoTime().
    private volatile long sigtermAt;
    private volatile long notReadyAt;
    private final List<Client> clients = new ArrayList<>();
    private int heldStatus;
    private Long exitedAt;
    private int exitCode;
    private final List<Send> racing = new CopyOnWriteArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private String heldClientMessageId;
    private boolean heldStored;

    /** One racing send: its clientMessageId and the status it got (0: no HTTP answer at all). */
    record Send(String clientMessageId, int status, String failure) {}

    @BeforeAll
    void startThenStopWhileBusy() throws Exception {
        work = Files.createTempDirectory("chat-shutdown-it");
        chooseDatabase();
        startArtifact();
        lock = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
        db = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);

        JsonObject alice = register("alice");
        JsonObject bob = register("bob");
        String held = room(alice, bob);
        String race = room(alice, bob);
        clients.add(new Client(token(alice)));
        clients.add(new Client(token(bob)));
        for (Client client : clients) {
            client.ready.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertEquals(200, status(get("/q/health/ready")), "ready before SIGTERM");

        // A send in flight: it waits for the room lock that this transaction holds.
        lock.setAutoCommit(false);
        lockRoom(held);
        heldClientMessageId = "held-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> inFlight =
                http.sendAsync(send(alice, held, heldClientMessageId), HttpResponse.BodyHandlers.ofString());
        awaitTrue(this::aSendWaitsForTheLock, "the held send never reached the room lock");

        Thread sender = new Thread(() -> raceSends(alice, race), "racing-sender");
        sender.start();
        awaitTrue(() -> racing.size() >= 3, "racing sends did not start");

        Thread poller = new Thread(this::pollReadiness, "readiness-poller");
        sigtermAt = System.nanoTime();
        process.destroy(); // SIGTERM
        poller.start();

        for (Client client : clients) {
            client.closed.get(WAIT.toSeconds() + GRACE.toSeconds(), TimeUnit.SECONDS);
        }
        int afterClose = racing.size();
        awaitTrue(() -> racing.size() > afterClose, "no send was answered after the sockets closed");

        lock.commit(); // releases the room lock
        heldStatus = inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode();

        long left = GRACE.toNanos() - (System.nanoTime() - sigtermAt);
        if (process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
            exitedAt = System.nanoTime();
            exitCode = process.exitValue();
        }
        sender.join(WAIT.toMillis());
        poller.join(WAIT.toMillis());
        violations.addAll(unfaithful(List.copyOf(racing), race));
        heldStored = stored(held).contains(heldClientMessageId);
        System.out.printf(
                "After SIGTERM: readiness DOWN at %d ms, sockets closed at %s ms with %s, held send %d, exit at %s ms"
                        + " (code %d); racing sends: %d answered 201, %d not%n",
                millis(notReadyAt - sigtermAt),
                clients.stream()
                        .map(c -> Long.toString(millis(c.closedAt - sigtermAt)))
                        .toList(),
                clients.stream().map(c -> c.code).toList(),
                heldStatus,
                exitedAt == null ? "-" : Long.toString(millis(exitedAt - sigtermAt)),
                exitCode,
                racing.stream().filter(r -> r.status() == 201).count(),
                racing.stream().filter(r -> r.status() != 201).count());
    }

    @AfterAll
    void cleanUp() throws Exception {
        clients.forEach(Client::abort);
        if (process != null) {
            process.destroyForcibly().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        for (AutoCloseable resource : new AutoCloseable[] {lock, db, ownDatabase}) {
            if (resource != null) {
                resource.close();
            }
        }
        try (var files = Files.list(work)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(work);
    }

    @Test
    void shouldReportNotReadyBeforeClosingAnySocket() {
        assertTrue(notReadyAt > 0, "readiness never reported DOWN");
        for (Client client : clients) {
            assertTrue(
                    notReadyAt < client.closedAt,
                    "socket closed " + millis(client.closedAt - notReadyAt) + " ms before readiness went DOWN");
        }
    }

    @Test
    void shouldCloseEveryWebSocketWith1001() {
        for (Client client : clients) {
            assertEquals(1001, client.code, "close code");
        }
    }

    @Test
    void shouldFinishTheRequestInFlight() {
        assertEquals(201, heldStatus, "the send that was waiting when SIGTERM came");
        assertTrue(heldStored, "its message is stored");
    }

    @Test
    void shouldExitWithinTheGracePeriodWithoutCuttingTheDrainShort() throws IOException {
        assertNotNull(exitedAt, "still running " + GRACE.toSeconds() + " s after SIGTERM");
        assertTrue(exitCode == 0 || exitCode == 143, "exit code " + exitCode); // 143: ended by SIGTERM
        assertFalse(log().contains("Timed out waiting for graceful shutdown"), "the drain hit its timeout");
    }

    @Test
    void shouldStoreEveryAcknowledgedSendAndNoRefusedOne() {
        assertTrue(racing.stream().anyMatch(s -> s.status() == 201), "no racing send was acknowledged");
        assertEquals(List.of(), violations);
    }

    /** Item 5 of issue 10, on the whole output of a production start-to-exit: what a log collector reads. */
    @Test
    void shouldLogOneJsonObjectPerLine() throws IOException {
        List<String> lines = log().lines().filter(l -> !l.isBlank()).toList();
        assertFalse(lines.isEmpty(), "nothing logged");
        for (String line : lines) {
            JsonObject event;
            try {
                event = new JsonObject(line);
            } catch (RuntimeException e) {
                throw new AssertionError("not a JSON object: " + line, e);
            }
            assertNotNull(event.getString("level"), line);
            assertNotNull(event.getString("message"), line);
        }
    }

    // ---- The artifact ----

    private void startArtifact() throws Exception {
        Properties artifact = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("target/quarkus-artifact.properties"))) {
            artifact.load(in);
        }
        Path path = Path.of("target").resolve(artifact.getProperty("path"));
        // The held send waits on a room lock for the whole drain (seconds): longer than the production lock
        // timeout (3 s), which would answer it 503 instead of letting it finish.
        String lockTimeout = "-Dquarkus.datasource.reactive.additional-properties.lock_timeout=60s";
        List<String> command = "native".equals(artifact.getProperty("type"))
                ? List.of(path.toString(), lockTimeout)
                : List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        lockTimeout,
                        "-jar",
                        path.toString());
        Map<String, String> keys = DevKeysConfigSource.generate();
        Path privateKey = Files.writeString(work.resolve("private.pem"), keys.get(DevKeysConfigSource.SIGN_KEY));
        Path publicKey = Files.writeString(work.resolve("public.pem"), keys.get(DevKeysConfigSource.VERIFY_KEY));
        int port = freePort();
        base = URI.create("http://localhost:" + port);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "graceful-shutdown-it.log").toFile());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey.toString());
        builder.environment().put("SMALLRYE_JWT_SIGN_KEY_LOCATION", privateKey.toString());
        if (ownDatabase != null) {
            // These win over a test build's embedded database (environment: ordinal 300, that one: 270).
            builder.environment().put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
            builder.environment().put("QUARKUS_DATASOURCE_REACTIVE_URL", jdbcUrl.substring("jdbc:".length()));
            builder.environment().put("QUARKUS_DATASOURCE_USERNAME", dbUser);
            builder.environment().put("QUARKUS_DATASOURCE_PASSWORD", dbPassword);
        }
        process = builder.start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            assertTrue(process.isAlive(), "the artifact stopped during start-up:\n" + log());
            assertTrue(System.nanoTime() < deadline, "not ready within " + STARTUP + ":\n" + log());
            try {
                if (status(get("/q/health/ready")) == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
    }

    /**
     * QUARKUS_DATASOURCE_* when set; else a PostgreSQL of this test's own, from the embedded-database library
     * that a test build has on its class path (by reflection: a production build's test class path lacks it).
     */
    private void chooseDatabase() throws Exception {
        String url = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        if (url != null && !url.isBlank()) {
            jdbcUrl = url;
            dbUser = System.getenv("QUARKUS_DATASOURCE_USERNAME");
            dbPassword = System.getenv("QUARKUS_DATASOURCE_PASSWORD");
            return;
        }
        Class<?> embedded = Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres");
        Object builder = embedded.getMethod("builder").invoke(null);
        ownDatabase = (AutoCloseable) builder.getClass().getMethod("start").invoke(builder);
        jdbcUrl = "jdbc:postgresql://localhost:" + embedded.getMethod("getPort").invoke(ownDatabase) + "/postgres";
        dbUser = "postgres";
        dbPassword = "postgres";
    }

    private String log() throws IOException {
        return Files.readString(Path.of("target", "graceful-shutdown-it.log"));
    }

    // ---- Observers of the shutdown ----

    /** Sends one after the other, from before SIGTERM until nothing listens any more (bounded). */
    private void raceSends(JsonObject sender, String room) {
        for (int i = 0;
                i < MAX_RACING_SENDS && (sigtermAt == 0 || elapsedSinceSigterm().compareTo(GRACE) < 0);
                i++) {
            String clientMessageId = "race-" + i;
            try {
                int status =
                        status(http.send(send(sender, room, clientMessageId), HttpResponse.BodyHandlers.ofString()));
                racing.add(new Send(clientMessageId, status, null));
            } catch (ConnectException gone) {
                racing.add(new Send(clientMessageId, 0, "refused"));
                return; // nothing listens any more
            } catch (IOException e) {
                racing.add(new Send(clientMessageId, 0, e.toString()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pollReadiness() {
        while (elapsedSinceSigterm().compareTo(GRACE) < 0 && notReadyAt == 0) {
            try {
                int status = status(get("/q/health/ready"));
                if (status != 200) {
                    notReadyAt = System.nanoTime();
                }
                Thread.sleep(20);
            } catch (IOException gone) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Racing sends whose answer the database contradicts: a 201 not stored, or a refused one stored. */
    private List<String> unfaithful(List<Send> answered, String room) throws SQLException {
        Set<String> stored = stored(room);
        List<String> wrong = new ArrayList<>();
        for (Send send : answered) {
            boolean acknowledged = send.status() == 201;
            if (acknowledged != stored.contains(send.clientMessageId())) {
                wrong.add(send + (acknowledged ? " acknowledged but not stored" : " refused but stored"));
            }
        }
        return wrong;
    }

    private Set<String> stored(String room) throws SQLException {
        try (PreparedStatement query =
                db.prepareStatement("SELECT client_message_id FROM messages WHERE room_id = ?")) {
            query.setObject(1, UUID.fromString(room));
            Set<String> ids = new HashSet<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    private void lockRoom(String room) throws SQLException {
        try (PreparedStatement statement = lock.prepareStatement("SELECT 1 FROM rooms WHERE id = ? FOR UPDATE")) {
            statement.setObject(1, UUID.fromString(room));
            statement.executeQuery().close();
        }
    }

    private boolean aSendWaitsForTheLock() {
        try (PreparedStatement waiting = db.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity"
                                + " WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'");
                ResultSet rows = waiting.executeQuery()) {
            rows.next();
            return rows.getInt(1) > 0;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    // ---- The API, over real HTTP ----

    private JsonObject register(String prefix) throws Exception {
        String username = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
        HttpResponse<String> response = http.send(
                post(
                        "/api/auth/register",
                        null,
                        new JsonObject().put("username", username).put("password", "correct horse")),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    private String room(JsonObject owner, JsonObject member) throws Exception {
        JsonObject body = new JsonObject()
                .put("name", "shutdown")
                .put(
                        "memberIds",
                        new JsonArray().add(member.getJsonObject("user").getString("id")));
        HttpResponse<String> response =
                http.send(post("/api/rooms", token(owner), body), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return new JsonObject(response.body()).getString("id");
    }

    private HttpRequest send(JsonObject sender, String room, String clientMessageId) {
        return post(
                "/api/rooms/" + room + "/messages",
                token(sender),
                new JsonObject().put("body", "racing the shutdown").put("clientMessageId", clientMessageId));
    }

    private HttpRequest post(String path, String token, JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(WAIT.plus(GRACE))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(
                    HttpRequest.newBuilder(base.resolve(path))
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int status(HttpResponse<?> response) {
        return response.statusCode();
    }

    private static String token(JsonObject tokens) {
        return tokens.getString("accessToken");
    }

    /** A WebSocket client that remembers when and how the server closed it. */
    private final class Client implements WebSocket.Listener {

        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        volatile long closedAt;
        volatile int code;
        private final StringBuilder text = new StringBuilder();
        private final WebSocket socket;

        Client(String token) throws Exception {
            socket = http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(base.toString().replace("http:", "ws:") + "/ws"), this)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                if ("ready".equals(new JsonObject(text.toString()).getString("type"))) {
                    ready.complete(null);
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedAt = System.nanoTime();
            code = statusCode;
            closed.complete(null);
            return null; // the close is answered at once
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closedAt = System.nanoTime();
            closed.completeExceptionally(error);
        }

        void abort() {
            socket.abort();
        }
    }

    // ---- Small helpers ----

    private static void awaitTrue(BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(20);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Duration elapsedSinceSigterm() {
        return Duration.ofNanos(System.nanoTime() - sigtermAt);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
