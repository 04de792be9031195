package dev.chat.support;

import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * The test classes of the {@code DeliberateLimits} profile, in a test JVM of their own: {@code ./mvnw verify} runs
 * this suite and {@link DefaultProfileSuite} side by side, one per fork (pom.xml). Each profile is a Quarkus build
 * and start, so this one's (and its ten seconds of lock and pool timeouts) no longer waits for the default
 * profile's tests to end: {@code verify} took 0.82-0.88x the time of one JVM running both in turn (medians of two
 * sets of 3 pairs).
 */
@Suite
@SelectPackages("dev.chat")
@IncludeClassNamePatterns(DeliberateLimitsSuite.CLASSES)
public class DeliberateLimitsSuite {

    /**
     * Every class that says {@code @TestProfile(DeliberateLimits.class)}. A class of that profile left out of this
     * list still runs, in the other fork, which then builds and starts the profile a second time.
     */
    static final String CLASSES = "dev\\.chat\\.(common\\.DatabaseTimeoutsTest|limits\\.(Redis)?LimitsTest)";
}
