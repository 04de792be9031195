package dev.chat.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {

    /** Each looks empty on screen; String.strip() and \S let most of them through. */
    static final String[] BLANK = {
        "",
        " ",
        "\u200B",
        "\u3000",
        "\u2800",
        "\u3164",
        "\u115F\u1160",
        "\uFFA0",
        "\u00A0",
        "\u2060",
        "\uFEFF",
        "\u180E",
        "\u200B\u200C\u200D",
        "\u2028",
        "\t\u3000 \u200B",
        "\u0301",
        "\u034F",
        "\u202E"
    };

    @Test
    void shouldCallInvisibleNamesBlank() {
        for (String name : BLANK) {
            assertTrue(Names.isBlank(Names.clean(name)), codePoints(name));
        }
    }

    @Test
    void shouldKeepWhatIsVisible() {
        assertEquals("Ada", Names.clean("\u200B Ada\u3000"));
        assertEquals("Ada L.", Names.clean("Ada L."));
        // Joiners inside an emoji sequence and a flag's closing tag characters are part of the name.
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        assertEquals(family, Names.clean(family));
        String england = "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC65\uDB40\uDC6E\uDB40\uDC67\uDB40\uDC7F";
        assertEquals(england, Names.clean(england));
        assertFalse(Names.isBlank("é"));
        assertFalse(Names.isBlank("\u3042"));
    }

    @Test
    void shouldFindControlCharacters() {
        assertTrue(Names.hasControlCharacter("a\u0007b"));
        assertTrue(Names.hasControlCharacter("a\nb"));
        assertFalse(Names.hasControlCharacter("a b"));
    }

    static String codePoints(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> out.append(String.format("U+%04X ", cp)));
        return out.toString().trim();
    }
}
