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
 * class loader, so a static field would not share it. The pair is kept in a system property, the one map every
 * class loader of the JVM sees; it holds a throw-away key that the dev config already shows. A dev-mode reload
 * keeps its tokens valid; a new JVM makes a new pair.
 *
 * <p>1024 bits, not production's 2048: the key lives for one JVM on a developer's machine, and the tests sign
 * about 500 tokens (every registration, login and refresh) in a JVM that runs the client JIT only (the pom's
 * argLine), where an RS256 signature takes 14 ms with 2048 bits and 2 ms with 1024; generating the pair drops
 * from 0.5-1.3 s to 0.03-0.2 s. {@code %dev,test.smallrye.jwt.*.relax-key-validation} lets jose4j accept that
 * size; production keeps its 2048-bit minimum, and the black-box suite runs the production jar with a
 * 2048-bit pair from {@link #generate()}. (One size for both profiles: Quarkus reads the {@code %dev.} names in
 * the test JVM too, so a second size would cost the tests a second pair.)
 */
public class DevKeysConfigSource implements ConfigSource {

    private static final Set<String> PROFILES = Set.of("%dev.", "%test.");
    public static final String SIGN_KEY = "smallrye.jwt.sign.key";
    public static final String VERIFY_KEY = "mp.jwt.verify.publickey";

    /** The JVM's pair: the private key's PEM followed by the public key's. */
    private static final String SHARED_PAIR = "dev.chat.generated-jwt-keys";

    static final int SHARED_PAIR_BITS = 1024;

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
            Map<String, String> fresh = generate(SHARED_PAIR_BITS);
            System.getProperties().putIfAbsent(SHARED_PAIR, fresh.get(SIGN_KEY) + fresh.get(VERIFY_KEY));
            pair = System.getProperties().get(SHARED_PAIR);
        }
        return (String) pair;
    }

    private static Map<String, String> split(String pair) {
        int publicStart = pair.indexOf(PUBLIC_PEM_START);
        return Map.of(SIGN_KEY, pair.substring(0, publicStart), VERIFY_KEY, pair.substring(publicStart));
    }

    /** A fresh 2048-bit RSA pair, production's size, for the black-box tests: see {@link #generate(int)}. */
    public static Map<String, String> generate() {
        return generate(2048);
    }

    /** A fresh RSA pair as PEM text, keyed by the two property names. */
    public static Map<String, String> generate(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
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
