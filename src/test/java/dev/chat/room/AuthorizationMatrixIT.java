package dev.chat.room;

import dev.chat.support.GeneratedJwtKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
@WithTestResource(GeneratedJwtKeys.class)
class AuthorizationMatrixIT extends AuthorizationMatrixTest {}
