package dev.chat.auth;

import dev.chat.user.UserView;

/** The contract's {@code Tokens}; {@code expiresIn} is the access token's lifetime in seconds. */
public record Tokens(UserView user, String accessToken, String refreshToken, long expiresIn) {}
