package dev.chat.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DevKeysConfigSourceTest {

    private static final String SIGN = "%test." + DevKeysConfigSource.SIGN_KEY;
    private static final String VERIFY = "%test." + DevKeysConfigSource.VERIFY_KEY;

    /** Quarkus makes a new instance, in a new class loader, at build, at start and per test profile. */
    @Test
    void shouldAnswerOnePairForTheWholeJvm() throws Exception {
        DevKeysConfigSource first = new DevKeysConfigSource();
        DevKeysConfigSource second = new DevKeysConfigSource();
        assertEquals(first.getValue(SIGN), second.getValue(SIGN));
        assertEquals(first.getValue(VERIFY), second.getValue(VERIFY));
        assertEquals(first.getValue(SIGN), second.getValue("%dev." + DevKeysConfigSource.SIGN_KEY));

        byte[] claims = "{\"sub\":\"someone\"}".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withRSA");
        RSAPrivateKey privateKey = (RSAPrivateKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(der(first.getValue(SIGN), "PRIVATE KEY")));
        assertEquals(
                DevKeysConfigSource.SHARED_PAIR_BITS, privateKey.getModulus().bitLength());
        signer.initSign(privateKey);
        signer.update(claims);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(der(second.getValue(VERIFY), "PUBLIC KEY"))));
        verifier.update(claims);
        assertTrue(verifier.verify(signature), "the shared public key verifies the shared private key");
    }

    @Test
    void shouldNeverAnswerProductionNames() {
        DevKeysConfigSource source = new DevKeysConfigSource();
        assertNull(source.getValue(DevKeysConfigSource.SIGN_KEY));
        assertNull(source.getValue("%prod." + DevKeysConfigSource.SIGN_KEY));
        assertNull(source.getValue(DevKeysConfigSource.VERIFY_KEY));
    }

    /** The black-box suites ask for a fresh pair (of production's size there), never the shared one. */
    @Test
    void shouldGenerateAFreshPairWhenAsked() {
        assertNotEquals(
                new DevKeysConfigSource().getValue(SIGN),
                DevKeysConfigSource.generate(1024).get(DevKeysConfigSource.SIGN_KEY));
    }

    private static byte[] der(String pem, String type) {
        String body = pem.replace("-----BEGIN " + type + "-----", "")
                .replace("-----END " + type + "-----", "")
                .replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
