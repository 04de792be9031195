package dev.chat.common;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Dev mode and tests sign tokens with a key pair generated in memory at start-up, so that no private key
 * is ever committed. It answers only the {@code %dev.} and {@code %test.} names: production never sees it
 * and must be given its keys (MP_JWT_VERIFY_PUBLICKEY_LOCATION, SMALLRYE_JWT_SIGN_KEY_LOCATION). Tokens
 * from a previous dev-mode run stop verifying after a restart, which is what a throwaway key should do.
 */
public class DevKeysConfigSource implements ConfigSource {

    private static final Set<String> PROFILES = Set.of("%dev.", "%test.");
    public static final String SIGN_KEY = "smallrye.jwt.sign.key";
    public static final String VERIFY_KEY = "mp.jwt.verify.publickey";

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
            synchronized (this) {
                if (keys == null) {
                    keys = generate();
                }
                current = keys;
            }
        }
        return current;
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
