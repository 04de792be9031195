package dev.chat.limits;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/**
 * Limits at values a test can exhaust in a few requests and that do not refill during the test (one permit
 * an hour), so that counts are exact on a loaded machine; the production rates are checked in
 * {@link RateTest}. Registrations are per address, and each test registers from an address of its own
 * ({@code FromAddress.fresh()}).
 */
public class DeliberateLimits implements QuarkusTestProfile {

    static final int LOGIN_BURST = 10;
    static final int REGISTER_BURST = 3;
    static final int SEND_BURST = 5;
    static final int TYPING_BURST = 3;
    static final int RECEIPT_BURST = 4;
    static final int ROOM_BURST = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("chat.limits.login", "1/1h burst " + LOGIN_BURST);
        config.put("chat.limits.register", "1/1h burst " + REGISTER_BURST);
        config.put("chat.limits.send", "1/1h burst " + SEND_BURST);
        config.put("chat.limits.typing", "1/1h burst " + TYPING_BURST);
        config.put("chat.limits.receipts", "1/1h burst " + RECEIPT_BURST);
        config.put("chat.limits.room-creation", "1/1h burst " + ROOM_BURST);
        return config;
    }
}
