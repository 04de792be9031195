package dev.chat.support;

import org.junit.platform.suite.api.ExcludeClassNamePatterns;
import org.junit.platform.suite.api.ExcludeTags;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * What {@code ./mvnw verify} runs besides {@link DeliberateLimitsSuite}: the plain unit tests and every
 * {@code @QuarkusTest} of the default test profile, in one Quarkus start.
 *
 * <p>Classes are left out by name, not only by tag: Quarkus builds the application of every test profile among the
 * classes it is given before the first test runs, tag filters or not, and {@code FloodIsolationTest}'s (heavy,
 * {@code .ci/run} runs it) would cost every {@code verify} a build for no test.
 */
@Suite
@SelectPackages("dev.chat")
@IncludeClassNamePatterns(".*Test")
@ExcludeClassNamePatterns({DeliberateLimitsSuite.CLASSES, "dev\\.chat\\.realtime\\.FloodIsolationTest"})
@ExcludeTags(Tags.HEAVY)
public class DefaultProfileSuite {}
