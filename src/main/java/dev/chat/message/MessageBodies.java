package dev.chat.message;

import dev.chat.common.ProblemException;

/**
 * The body bound of the contract, 1-4000 characters, counted in code points: that is what PostgreSQL's
 * varchar(4000) counts, and a message of emoji must not be cut at 2000 as a UTF-16 length would.
 */
final class MessageBodies {

    static final int MAX_CHARACTERS = 4000;

    private MessageBodies() {}

    static String check(String body) {
        int characters = body.codePointCount(0, body.length());
        if (characters < 1 || characters > MAX_CHARACTERS) {
            throw ProblemException.invalid("body", "must be 1-" + MAX_CHARACTERS + " characters");
        }
        return body;
    }
}
