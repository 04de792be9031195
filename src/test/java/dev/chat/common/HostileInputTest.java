package dev.chat.common;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9, hostile input: a corpus generated from the endpoint list below (every REST endpoint of API.md)
 * times every kind of bad request. Every answer must be below 500 and problem+json whose {@code status} is
 * the HTTP status, and the stored state must be exactly what it was before (a digest of every table).
 * Malformed WebSocket upgrades and raw garbage on the socket must never get a 5xx either.
 *
 * <p>A {@code @QuarkusTest} rather than an {@code *IT}: the state check reads every table, which needs the
 * database the application uses, and only the in-process test knows it. The requests still go over real
 * HTTP and real sockets, through the same Vert.x and REST stack as the packaged jar.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    /** A field of a request body, and the kind of value it takes. */
    enum Kind {
        STRING,
        NAME,
        USERNAME,
        UUID,
        UUID_LIST,
        BOOLEAN,
        NUMBER,
        ENUM
    }

    record Field(String name, Kind kind, Object valid) {}

    record Endpoint(String method, String path, boolean authenticated, List<Field> body) {
        boolean hasBody() {
            return !body.isEmpty();
        }

        String label() {
            return method + " " + path;
        }
    }

    record Case(String name, String method, String path, String contentType, byte[] body, String authorization) {}

    private static final String JSON = "application/json";

    /** Every endpoint with an otherwise valid body that would not change state if it were ever accepted. */
    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint(
                    "POST",
                    "/api/auth/register",
                    false,
                    List.of(
                            new Field("username", Kind.USERNAME, "hostile_user"),
                            new Field("password", Kind.STRING, "long enough password"),
                            new Field("displayName", Kind.NAME, "Hostile"))),
            new Endpoint(
                    "POST",
                    "/api/auth/login",
                    false,
                    List.of(
                            new Field("username", Kind.STRING, "nobody"),
                            new Field("password", Kind.STRING, "wrong password"))),
            new Endpoint(
                    "POST", "/api/auth/refresh", false, List.of(new Field("refreshToken", Kind.STRING, "garbage"))),
            new Endpoint("POST", "/api/auth/logout", true, List.of(new Field("refreshToken", Kind.STRING, "garbage"))),
            new Endpoint("POST", "/api/auth/ws-ticket", true, List.of()),
            new Endpoint("GET", "/api/users/me", true, List.of()),
            new Endpoint("PATCH", "/api/users/me", true, List.of(new Field("displayName", Kind.NAME, "Renamed"))),
            new Endpoint("GET", "/api/users/{user}", true, List.of()),
            new Endpoint("GET", "/api/users?query=ab", true, List.of()),
            new Endpoint(
                    "POST",
                    "/api/rooms",
                    true,
                    List.of(
                            new Field("name", Kind.NAME, "New room"),
                            new Field("memberIds", Kind.UUID_LIST, List.of()))),
            new Endpoint("POST", "/api/rooms/direct", true, List.of(new Field("userId", Kind.UUID, "{stranger}"))),
            new Endpoint("GET", "/api/rooms", true, List.of()),
            new Endpoint("GET", "/api/rooms/{room}", true, List.of()),
            new Endpoint("PATCH", "/api/rooms/{room}", true, List.of(new Field("name", Kind.NAME, "Renamed room"))),
            new Endpoint("GET", "/api/rooms/{room}/members", true, List.of()),
            new Endpoint(
                    "POST", "/api/rooms/{room}/members", true, List.of(new Field("userId", Kind.UUID, "{stranger}"))),
            new Endpoint(
                    "PATCH", "/api/rooms/{room}/members/{user}", true, List.of(new Field("role", Kind.ENUM, "admin"))),
            new Endpoint("DELETE", "/api/rooms/{room}/members/{user}", true, List.of()),
            new Endpoint(
                    "POST",
                    "/api/rooms/{room}/messages",
                    true,
                    List.of(
                            new Field("body", Kind.STRING, "hello"),
                            new Field("clientMessageId", Kind.STRING, "c-1"),
                            new Field("replyToId", Kind.UUID, "{message}"))),
            new Endpoint("GET", "/api/rooms/{room}/messages", true, List.of()),
            new Endpoint(
                    "PATCH",
                    "/api/rooms/{room}/messages/{message}",
                    true,
                    List.of(new Field("body", Kind.STRING, "edited"))),
            new Endpoint("DELETE", "/api/rooms/{room}/messages/{message}", true, List.of()),
            new Endpoint(
                    "POST",
                    "/api/rooms/{room}/receipts",
                    true,
                    List.of(new Field("type", Kind.ENUM, "read"), new Field("seq", Kind.NUMBER, 1))),
            new Endpoint("POST", "/api/rooms/{room}/typing", true, List.of(new Field("typing", Kind.BOOLEAN, true))));

    private static final List<String> INJECTIONS = List.of(
            "' OR '1'='1",
            "1; DROP TABLE users; --",
            "<script>alert(1)</script>",
            "${jndi:ldap://127.0.0.1/x}",
            "../../../../etc/passwd",
            "%00",
            "{{7*7}}",
            "\r\nSet-Cookie: x=y");

    private static final List<String> BAD_IDS = List.of(
            "1",
            "not-a-uuid",
            "00000000-0000-0000-0000-00000000000g",
            "00000000-0000-0000-0000-0000000000000",
            "%27%20OR%201=1--",
            "..%2F..%2Fetc",
            "%00",
            "x".repeat(300));

    @TestHTTPResource("/")
    URI root;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Inject
    Pool pool;

    private TestUser me;
    private TestUser member;
    private TestUser stranger;
    private String room;
    private String message;

    @BeforeEach
    void world() {
        if (me != null) {
            return;
        }
        me = Api.newUser("hostile");
        member = Api.newUser("hostmember");
        stranger = Api.newUser("hoststranger");
        room = me.as()
                .body(Map.of("name", "hostile room", "memberIds", List.of(member.id())))
                .post("/api/rooms")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        message = me.as()
                .body(Map.of("body", "original"))
                .post("/api/rooms/{roomId}/messages", room)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    @Test
    void shouldAnswerEveryHostileRequestWithAProblemBelow500AndChangeNothing() throws Exception {
        List<Case> corpus = corpus();
        assertTrue(corpus.size() >= 500, "corpus of " + corpus.size());
        Map<String, String> before = digest();
        // Four at a time: none of them may change anything, so their order does not matter.
        List<Future<Answer>> answers = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            corpus.forEach(c -> answers.add(senders.submit(() -> send(c))));
        } finally {
            senders.shutdown();
        }
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < corpus.size(); i++) {
            Case c = corpus.get(i);
            Answer answer = answers.get(i).get();
            int status = answer.status();
            statuses.merge(status, 1, Integer::sum);
            String type = answer.contentType();
            if (status >= 500 || status == 0) {
                failures.add(status + " " + c.name() + " " + abbreviate(answer.body()));
            } else if (type == null || !type.startsWith("application/problem+json")) {
                failures.add(status + " not problem+json (" + type + ") " + c.name());
            } else if (!answer.body().contains("\"status\":" + status)) {
                failures.add(status + " problem with another status " + c.name());
            }
        }
        Map<String, String> after = digest();
        assertEquals(List.of(), failures, "of " + corpus.size() + " requests; statuses " + statuses);
        assertEquals(before, after, "stored state changed");
        Files.write(corpus.size(), statuses);
    }

    /** Malformed upgrades and raw garbage: refused or dropped, never a 5xx, and the service carries on. */
    @Test
    void shouldNeverAnswerAMalformedUpgradeOrRawGarbageWith5xx() throws Exception {
        String token = me.accessToken();
        String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        String v13 = "Sec-WebSocket-Version: 13\r\n";
        String bearer = "Authorization: Bearer " + token + "\r\n";
        Map<String, byte[]> requests = new LinkedHashMap<>();
        requests.put("no key", http("GET /ws", upgrade + v13 + bearer));
        requests.put("short key", http("GET /ws", upgrade + v13 + bearer + "Sec-WebSocket-Key: abc\r\n"));
        requests.put("key not base64", http("GET /ws", upgrade + v13 + bearer + "Sec-WebSocket-Key: !!!!\r\n"));
        requests.put("two keys", http("GET /ws", upgrade + v13 + bearer + key + key));
        requests.put("version 8", http("GET /ws", upgrade + bearer + key + "Sec-WebSocket-Version: 8\r\n"));
        requests.put("version 99", http("GET /ws", upgrade + bearer + key + "Sec-WebSocket-Version: 99\r\n"));
        requests.put("version garbage", http("GET /ws", upgrade + bearer + key + "Sec-WebSocket-Version: x\r\n"));
        requests.put("no version", http("GET /ws", upgrade + bearer + key));
        requests.put("no upgrade header", http("GET /ws", "Connection: Upgrade\r\n" + v13 + bearer + key));
        requests.put("upgrade to h2c", http("GET /ws", "Upgrade: h2c\r\nConnection: Upgrade\r\n" + bearer));
        requests.put("POST upgrade", http("POST /ws", upgrade + v13 + bearer + key + "Content-Length: 0\r\n"));
        requests.put("empty ticket", http("GET /ws?ticket=", upgrade + v13 + key));
        requests.put("garbage ticket", http("GET /ws?ticket=garbage", upgrade + v13 + key));
        requests.put("NUL ticket", http("GET /ws?ticket=%00", upgrade + v13 + key));
        requests.put("injection ticket", http("GET /ws?ticket=%27%20OR%201=1--", upgrade + v13 + key));
        requests.put("huge ticket", http("GET /ws?ticket=" + "t".repeat(6000), upgrade + v13 + key));
        requests.put("two tickets", http("GET /ws?ticket=a&ticket=b", upgrade + v13 + key));
        requests.put("garbage bearer", http("GET /ws", upgrade + v13 + key + "Authorization: Bearer x.y.z\r\n"));
        requests.put("alg none", http("GET /ws", upgrade + v13 + key + "Authorization: Bearer " + algNone() + "\r\n"));
        requests.put("basic auth", http("GET /ws", upgrade + v13 + key + "Authorization: Basic YTpi\r\n"));
        requests.put("HTTP/1.0", ("GET /ws HTTP/1.0\r\n" + upgrade + v13 + bearer + key + "\r\n").getBytes());
        requests.put("unknown HTTP version", ("GET /ws HTTP/9.9\r\nHost: x\r\n\r\n").getBytes());
        requests.put(
                "garbage request line", "\u0001\u0002 GARBAGE \u00ff\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        requests.put("binary garbage", new byte[] {0, (byte) 0xff, 0x13, 0x37, (byte) 0x81, (byte) 0x80, 0, 0, 0, 0});
        requests.put("TLS hello on plain port", new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00});
        requests.put("header without colon", http("GET /ws", "this is not a header\r\n" + upgrade + v13 + key));
        requests.put("huge header", http("GET /ws", upgrade + v13 + key + "X-Big: " + "b".repeat(20_000) + "\r\n"));
        requests.put(
                "frame before handshake",
                ("GET /ws HTTP/1.1\r\nHost: x\r\n" + upgrade + v13 + bearer + key + "\r\n\u0081\u0085garbage")
                        .getBytes(StandardCharsets.ISO_8859_1));
        // All at once, each on a socket of its own: a request the server is still waiting to read the rest of
        // (binary garbage, a TLS hello) costs its 1 s of silence once rather than once each.
        Map<String, Future<String>> answers = new LinkedHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(requests.size());
        try {
            requests.forEach((name, bytes) -> answers.put(name, senders.submit(() -> raw(bytes))));
        } finally {
            senders.shutdown();
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, byte[]> request : requests.entrySet()) {
            String status = answers.get(request.getKey()).get();
            if (request.getKey().equals("unknown HTTP version")) {
                // The one 5xx by design: Vert.x' HTTP codec answers a protocol version it does not speak with
                // 501 before any route or application code runs (RFC 9110 prescribes 505, also a 5xx). It is
                // pinned here so that any other answer, or a 5xx anywhere else, still fails.
                if (!status.matches("HTTP/\\S+ 501 Not Implemented") && !status.startsWith("(")) {
                    failures.add(request.getKey() + ": " + status);
                }
                continue;
            }
            if (status.matches("HTTP/\\d(\\.\\d)? 5\\d\\d.*")) {
                failures.add(request.getKey() + ": " + status);
            }
        }
        assertEquals(List.of(), failures);
        me.as().get("/api/users/me").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }

    private List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        String auth = "Bearer " + me.accessToken();
        for (Endpoint e : ENDPOINTS) {
            String path = resolve(e.path());
            String authorization = e.authenticated() ? auth : null;
            if (e.hasBody()) {
                bodies(e, path, authorization, cases);
            }
            if (e.authenticated()) {
                for (String bad : List.of(
                        "",
                        "Bearer",
                        "Bearer ",
                        "Bearer x.y.z",
                        "Bearer " + algNone(),
                        "Bearer " + "a".repeat(8000),
                        "Basic YTpi",
                        "bearer" + me.accessToken())) {
                    cases.add(new Case(
                            e.label() + " auth '" + abbreviate(bad) + "'", e.method(), path, JSON, validBody(e), bad));
                }
            }
            if (e.path().contains("{")) {
                for (String id : BAD_IDS) {
                    for (String placeholder : List.of("{room}", "{user}", "{message}")) {
                        if (e.path().contains(placeholder)) {
                            String badPath = resolve(e.path().replace(placeholder, id));
                            cases.add(new Case(
                                    e.label() + " id " + abbreviate(id),
                                    e.method(),
                                    badPath,
                                    JSON,
                                    validBody(e),
                                    authorization));
                        }
                    }
                }
            }
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
                boolean defined = ENDPOINTS.stream()
                        .anyMatch(other -> other.method().equals(method)
                                && resolve(other.path()).split("\\?")[0].equals(bare));
                if (!defined) {
                    cases.add(
                            new Case(e.label() + " method " + method, method, bare, JSON, new byte[0], authorization));
                }
            }
        }
        queries(auth, cases);
        return cases;
    }

    private void bodies(Endpoint e, String path, String authorization, List<Case> cases) {
        String valid = new String(validBody(e), StandardCharsets.UTF_8);
        Map<String, String> raw = new LinkedHashMap<>();
        for (String malformed : List.of(
                "",
                "{",
                "}",
                "[",
                "nul",
                "{\"a\":",
                "{\"a\" 1}",
                "{'a':1}",
                "{\"a\":1,}",
                "\"text\"",
                "123",
                "[]",
                "{}",
                "null",
                "{} {}",
                valid + "x",
                "{\"__proto__\":{\"admin\":true}}",
                "{\"evil\":1,\"constructor\":{\"prototype\":{}}}")) {
            raw.put("malformed " + abbreviate(malformed), malformed);
        }
        for (int cut : new int[] {1, valid.length() / 3, valid.length() / 2, valid.length() - 1}) {
            raw.put("truncated at " + cut, valid.substring(0, cut));
        }
        raw.put("nested 5000 deep", "{\"" + e.body().get(0).name() + "\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        raw.put("root nested 3000 deep", "{\"a\":".repeat(3000) + "1" + "}".repeat(3000));
        for (Field f : e.body()) {
            raw.put(
                    f.name() + " repeated",
                    valid.replaceFirst("\\{", "{" + json(f.name()) + ":" + json(f.valid()) + ","));
            for (Object wrong : wrongValues(f)) {
                raw.put(f.name() + " = " + abbreviate(String.valueOf(wrong)), with(e, f, wrong));
            }
            for (String number :
                    List.of("1e400", "123456789012345678901234567890", "-9223372036854775809", "1.5", "NaN", "0x10")) {
                raw.put(f.name() + " = number " + number, with(e, f, new RawJson(number)));
            }
        }
        for (Map.Entry<String, String> body : raw.entrySet()) {
            cases.add(new Case(
                    e.label() + " " + body.getKey(),
                    e.method(),
                    path,
                    JSON,
                    body.getValue().getBytes(StandardCharsets.UTF_8),
                    authorization));
        }
        // Invalid UTF-8 inside the first string field: a lone continuation byte, a cut sequence, a byte that is
        // never UTF-8, an encoded surrogate. (Overlong forms such as C0 AF are decoded by Jackson as the
        // character they spell, "/": README, known limits.)
        for (byte[] bad : List.of(
                new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xE2, (byte) 0x82},
                new byte[] {(byte) 0xFF})) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String firstField = "{" + json(e.body().get(0).name()) + ":\"a";
            out.writeBytes(firstField.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(bad);
            out.writeBytes("b\"}".getBytes(StandardCharsets.UTF_8));
            cases.add(new Case(
                    e.label() + " invalid UTF-8 " + Base64.getEncoder().encodeToString(bad),
                    e.method(),
                    path,
                    JSON,
                    out.toByteArray(),
                    authorization));
        }
        for (String type : List.of(
                "text/plain",
                "application/xml",
                "application/x-www-form-urlencoded",
                "application/octet-stream",
                "multipart/form-data; boundary=x",
                "text/html")) {
            cases.add(new Case(e.label() + " as " + type, e.method(), path, type, validBody(e), authorization));
        }
        cases.add(new Case(e.label() + " 100 KiB", e.method(), path, JSON, padded(valid, 100 * 1024), authorization));
        if (e.path().equals("/api/auth/register")
                || e.path().endsWith("/messages")
                || e.path().equals("/api/rooms")) {
            cases.add(new Case(
                    e.label() + " 10 MB", e.method(), path, JSON, padded(valid, 10 * 1024 * 1024), authorization));
        }
    }

    /** Values of the wrong type or beyond the contract for this field; never a valid one. */
    private List<Object> wrongValues(Field f) {
        List<Object> values = new ArrayList<>(
                List.of(new RawJson("null"), new RawJson("{}"), new RawJson("[1]"), new RawJson("{\"$gt\":\"\"}")));
        switch (f.kind()) {
            case BOOLEAN, NUMBER -> values.addAll(List.of("true", "1", "", "x".repeat(10_000)));
            case UUID_LIST -> {
                values.addAll(List.of("x", 5, true));
                values.add(List.of("not-a-uuid"));
                values.add(List.of(5));
                values.add(new RawJson("[null]"));
            }
            default -> {
                values.addAll(List.of(5, true, 1.5, "\u0000", "a\u0000b", "x".repeat(10_000)));
                values.add(new RawJson("\"\\uD800\""));
                values.add(new RawJson("\"a\\uDC00b\""));
            }
        }
        if (f.kind() == Kind.NAME) {
            values.addAll(
                    List.of("", " ", "\u200B", "\u3000", "\u2800", "\u3164", "\u0007", "a\u0001b", "\u202E\u200B"));
        }
        if (f.kind() == Kind.UUID || f.kind() == Kind.ENUM || f.kind() == Kind.USERNAME) {
            values.addAll(INJECTIONS);
            values.addAll(List.of("", "00000000-0000-0000-0000-00000000000g"));
        }
        if (f.kind() == Kind.NUMBER) {
            values.addAll(List.of(new RawJson("-1"), new RawJson("1e400"), new RawJson("99999999999999999999")));
        }
        if (f.kind() == Kind.BOOLEAN) {
            values.addAll(List.of(new RawJson("0"), new RawJson("\"true\"")));
        }
        // Null is valid for optional fields: leave it out there.
        if (List.of("displayName", "clientMessageId", "replyToId", "memberIds").contains(f.name())) {
            values.removeIf(v -> v instanceof RawJson r && r.text().equals("null"));
        }
        if (f.name().equals("password")) {
            values.removeIf(
                    v -> v instanceof String s && s.length() >= 8 && s.length() <= 128 && !s.contains("\u0000"));
        }
        if (f.name().equals("clientMessageId") || f.name().equals("refreshToken")) {
            // Any short string is a valid client id, and any short string a (wrong) refresh token: only
            // the type and size errors stay.
            values.removeIf(v -> v instanceof String s && s.length() <= 64 && !s.contains("\u0000") && !s.isEmpty());
        }
        if (f.name().equals("body")) {
            // Message bodies that show nothing: format characters and wide spaces only, which \\S passes.
            values.addAll(
                    List.of("\u200B", "\u2060", "\uFEFF", "\u3000", "\u200B\u2060\uFEFF\u3000", " \u200B\n\u3000\t"));
            values.removeIf(
                    v -> v instanceof String s && !Names.isBlank(s) && s.length() <= 4000 && !s.contains("\u0000"));
        }
        return values;
    }

    private void queries(String auth, List<Case> cases) {
        List<String> queries = new ArrayList<>();
        for (String limit : List.of("-1", "0", "1e3", "abc", "99999999999999999999", "1.5", "%00", "%20")) {
            queries.add("/api/rooms?limit=" + limit);
            queries.add("/api/rooms/" + room + "/messages?limit=" + limit);
            queries.add("/api/users?query=ab&limit=" + limit);
        }
        // One past each endpoint's maximum page.
        queries.add("/api/rooms?limit=101");
        queries.add("/api/users?query=ab&limit=101");
        queries.add("/api/rooms/" + room + "/messages?limit=201");
        for (String seq : List.of("-5", "abc", "1e400", "99999999999999999999", "%00", "1.5")) {
            queries.add("/api/rooms/" + room + "/messages?before=" + seq);
            queries.add("/api/rooms/" + room + "/messages?after=" + seq);
        }
        queries.add("/api/rooms/" + room + "/messages?before=1&after=1");
        for (String cursor : List.of("garbage", "%00", "x".repeat(2000), "eyJ9", "%27%20OR%201=1--", "AAAA")) {
            queries.add("/api/rooms?cursor=" + cursor);
        }
        for (String query : List.of("", "%00", "x".repeat(65), "%20%20", "a%00b")) {
            queries.add("/api/users?query=" + query);
        }
        queries.add("/api/users");
        for (String q : queries) {
            cases.add(new Case("GET " + abbreviate(q), "GET", q, null, null, auth));
        }
    }

    /** The answer's status, content type and body. */
    record Answer(int status, String contentType, String body) {}

    /**
     * Java's HTTP client rather than RestAssured: it sends any bytes under any content type with any method,
     * where RestAssured would re-encode (or refuse) a body it believes to be a form or text.
     */
    private Answer send(Case c) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(root.resolve(c.path())).timeout(Duration.ofSeconds(30));
        if (c.authorization() != null && !c.authorization().isEmpty()) {
            request.header("Authorization", c.authorization());
        }
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        byte[] body = c.body() != null ? c.body() : new byte[0];
        request.method(
                c.method(),
                body.length > 0 ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody());
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null),
                    response.body());
        } catch (java.io.IOException e) {
            return new Answer(0, null, e.toString()); // a refused or reset connection: reported below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Row count and a hash of every row of every table: any stored change shows. */
    private Map<String, String> digest() {
        Map<String, String> digest = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        pool.query(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history'")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(10))
                .forEach(r -> tables.add(r.getString(0)));
        for (String table : tables) {
            Row row = pool.query("SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "
                            + table + " t")
                    .execute()
                    .await()
                    .atMost(Duration.ofSeconds(30))
                    .iterator()
                    .next();
            digest.put(table, row.getLong(0) + " rows, " + row.getString(1));
        }
        return digest;
    }

    private String resolve(String path) {
        return path.replace("{room}", room).replace("{user}", member.id()).replace("{message}", message);
    }

    private byte[] validBody(Endpoint e) {
        if (!e.hasBody()) {
            return new byte[0];
        }
        return ("{"
                        + e.body().stream()
                                .map(f -> json(f.name()) + ":" + json(f.valid()))
                                .collect(Collectors.joining(","))
                        + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private String with(Endpoint e, Field changed, Object value) {
        return "{"
                + e.body().stream()
                        .map(f -> json(f.name()) + ":" + json(f == changed ? value : f.valid()))
                        .collect(Collectors.joining(","))
                + "}";
    }

    /** A JSON literal that is written as is. */
    record RawJson(String text) {}

    private String json(Object value) {
        if (value instanceof RawJson raw) {
            return raw.text();
        }
        if (value instanceof String s) {
            String resolved = s.replace("{stranger}", stranger.id()).replace("{message}", message);
            StringBuilder out = new StringBuilder("\"");
            for (char c : resolved.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.append('"').toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(this::json).collect(Collectors.joining(",", "[", "]"));
        }
        return String.valueOf(value);
    }

    private static byte[] padded(String valid, int size) {
        StringBuilder out = new StringBuilder(size + 64);
        out.append("{\"pad\":\"");
        out.append("p".repeat(Math.max(0, size - valid.length() - 12)));
        out.append("\",").append(valid.substring(1));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String algNone() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "."
                + b64.encodeToString(("{\"sub\":\"" + java.util.UUID.randomUUID()
                                + "\",\"iss\":\"chat-service\",\"exp\":4102444800}")
                        .getBytes())
                + ".";
    }

    private static String abbreviate(String s) {
        String printable = s.codePoints()
                .mapToObj(cp -> cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x7e
                        ? String.format("U+%04X", cp)
                        : String.valueOf((char) cp))
                .collect(Collectors.joining());
        return printable.length() > 120 ? printable.substring(0, 120) + "...(" + s.length() + ")" : printable;
    }

    private static byte[] http(String requestLine, String headers) {
        return (requestLine + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends raw bytes; the status line of the answer, or what happened instead. */
    private String raw(byte[] request) throws Exception {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            // Every answer the server gives comes within milliseconds on loopback; silence means it waits for more.
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                line.write(b);
            }
            return line.size() == 0
                    ? "(closed)"
                    : line.toString(StandardCharsets.ISO_8859_1).trim();
        } catch (SocketTimeoutException e) {
            return "(no answer within 1 s)";
        } catch (java.net.SocketException e) {
            return "(reset: " + e.getMessage() + ")";
        }
    }

    /** Writes the corpus' size and status counts to target/, for the README's figure. */
    private static final class Files {
        static void write(int size, Map<Integer, Integer> statuses) {
            try {
                java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
                java.nio.file.Files.writeString(
                        java.nio.file.Path.of("target", "hostile-corpus.txt"),
                        size + " requests; statuses " + statuses + "\n");
            } catch (java.io.IOException ignored) {
                // only a report
            }
        }
    }
}
