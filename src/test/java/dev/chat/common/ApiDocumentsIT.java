package dev.chat.common;

import dev.chat.support.GeneratedJwtKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
@WithTestResource(GeneratedJwtKeys.class)
class ApiDocumentsIT extends ApiDocumentsTest {}
