package dev.chat.support;

/** JUnit tags that the build selects by ({@link DefaultProfileSuite}, pom.xml's heavy profile, .ci/run). */
public final class Tags {

    /**
     * Checks on seeded big tables (query plans) or under a measured load: slower to set up or run than the rest
     * of the suite together. {@code ./mvnw verify} leaves them out; {@code .ci/run} runs them as a step of its
     * own: {@code ./mvnw test -Pembedded-db,heavy}.
     */
    public static final String HEAVY = "heavy";

    private Tags() {}
}
