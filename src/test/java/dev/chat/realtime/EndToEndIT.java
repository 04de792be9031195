package dev.chat.realtime;

import dev.chat.support.GeneratedJwtKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
@WithTestResource(GeneratedJwtKeys.class)
class EndToEndIT extends EndToEndTest {}
