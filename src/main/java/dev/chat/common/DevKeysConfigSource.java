package dev.chat.common;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Dev mode and tests sign tokens with a key pair generated in memory, so that no private key is ever
 * committed. It answers only the {@code %dev.} and {@code %test.} names: production never sees it and must
 * be given its keys (MP_JWT_VERIFY_PUBLICKEY_LOCATION, SMALLRYE_JWT_SIGN_KEY_LOCATION).
 *
 * <p>One pair per JVM: Quarkus reads its configuration several times in one JVM (at build and at start, for
 * each test profile, after each dev-mode reload), each time through a new instance of this class in a new
 * class loader, so a static field would not share it. Generating an RSA pair takes 0.5-2 s on this project's
 * 2-core machine under the tests' client JIT; a test run made five. The pair is kept in a system property,
 * the one map every class loader of the JVM sees; it holds a throw-away key that the dev config already shows.
 * A dev-mode reload keeps its tokens valid; a new JVM makes a new pair.
 */
public class DevKeysConfigSource implements ConfigSource {

    private static final Set<String> PROFILES = Set.of("%dev.", "%test.");
    public static final String SIGN_KEY = "smallrye.jwt.sign.key";
    public static final String VERIFY_KEY = "mp.jwt.verify.publickey";

    /** The JVM's pair: the private key's PEM followed by the public key's. */
    private static final String SHARED_PAIR = "dev.chat.generated-jwt-keys";

    private static final String PUBLIC_PEM_START = "-----BEGIN PUBLIC KEY-----";

    private volatile Map<String, String> keys;

    @Override
    public Set<String> getPropertyNames() {
        return Set.of("%dev." + SIGN_KEY, "%dev." + VERIFY_KEY, "%test." + SIGN_KEY, "%test." + VERIFY_KEY);
    }

    @Override
    public String getValue(String name) {
        for (String profile : PROFILES) {
            if (name.startsWith(profile)) {
                return keys().get(name.substring(profile.length()));
            }
        }
        return null;
    }

    /** Below application.properties (250): a key set there explicitly wins. */
    @Override
    public int getOrdinal() {
        return 200;
    }

    @Override
    public String getName() {
        return "generated dev/test JWT keys";
    }

    /** Generated on first use only, so a production start never pays for it. */
    private Map<String, String> keys() {
        Map<String, String> current = keys;
        if (current == null) {
            current = split(sharedPair());
            keys = current;
        }
        return current;
    }

    private static String sharedPair() {
        Object pair = System.getProperties().get(SHARED_PAIR);
        if (pair == null) {
            // Generated outside the map's lock; two first readers at once would both generate, one pair wins.
            Map<String, String> fresh = generate();
            System.getProperties().putIfAbsent(SHARED_PAIR, fresh.get(SIGN_KEY) + fresh.get(VERIFY_KEY));
            pair = System.getProperties().get(SHARED_PAIR);
        }
        return (String) pair;
    }

    private static Map<String, String> split(String pair) {
        int publicStart = pair.indexOf(PUBLIC_PEM_START);
        return Map.of(SIGN_KEY, pair.substring(0, publicStart), VERIFY_KEY, pair.substring(publicStart));
    }

    /** A fresh RSA pair as PEM text, keyed by the two property names; also used by the black-box tests. */
    public static Map<String, String> generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return Map.of(
                    SIGN_KEY,
                    pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
                    VERIFY_KEY,
                    pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is part of every JRE", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
