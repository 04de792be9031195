package dev.chat.message;

import dev.chat.common.Names;
import dev.chat.common.ProblemException;

/**
 * The body rules of the contract: 1-4000 characters, not blank. Characters are counted in code points: that
 * is what PostgreSQL's varchar(4000) counts, and a message of emoji must not be cut at 2000 as a UTF-16 length
 * would. "Blank" is {@link Names}' Unicode-aware reading: a body of zero-width spaces (U+200B), word joiners
 * (U+2060), byte-order marks (U+FEFF) or ideographic spaces (U+3000) shows nothing, and a bean-validation
 * {@code \\S} lets all but the last through. Line breaks and tabs inside a body stay: unlike a name, a
 * message may have several lines.
 */
final class MessageBodies {

    static final int MAX_CHARACTERS = 4000;

    private MessageBodies() {}

    static String check(String body) {
        int characters = body.codePointCount(0, body.length());
        if (characters < 1 || characters > MAX_CHARACTERS) {
            throw ProblemException.invalid("body", "must be 1-" + MAX_CHARACTERS + " characters");
        }
        if (Names.isBlank(body)) {
            throw ProblemException.invalid("body", "must not be blank");
        }
        return body;
    }
}
