package dev.chat.support;

import org.junit.platform.suite.api.ExcludeTags;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * The test classes of the {@code DeliberateLimits} profile, in a test JVM of their own: {@code ./mvnw verify} runs
 * this suite and {@link DefaultProfileSuite} side by side, one per fork (pom.xml says why). {@code verify} took
 * 0.88x and 0.92x the time of one JVM running both profiles in turn (medians of two sets of 3 runs, README).
 */
@Suite
@SelectPackages("dev.chat")
@IncludeClassNamePatterns(DeliberateLimitsSuite.CLASSES)
@ExcludeTags(Tags.HEAVY)
public class DeliberateLimitsSuite {

    /**
     * Every class that says {@code @TestProfile(DeliberateLimits.class)}. A class of that profile left out of this
     * list still runs, in the other fork, which then builds and starts the profile a second time.
     */
    static final String CLASSES = "dev\\.chat\\.(common\\.DatabaseTimeoutsTest|limits\\.(Redis)?LimitsTest)";
}
