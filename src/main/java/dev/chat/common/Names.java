package dev.chat.common;

/**
 * Names people choose (display names, room names) must show something. {@link String#strip()} and
 * {@code \\S} know only "white space", so a name of U+200B (zero-width space), U+2800 (braille blank) or
 * U+3164 (Hangul filler) passed as visible and was stored as an empty-looking name. Here "invisible" is:
 * white space and space separators, control and format characters (Cc, Cf), and the filler characters that
 * fonts draw blank; a name made of those and combining marks alone is blank.
 */
public final class Names {

    private Names() {}

    /**
     * The name without invisible characters at either end, or null for null. Inside the name they stay:
     * a zero-width joiner is part of an emoji sequence. Tag characters (U+E0000-E007F) stay at the end
     * too: they close subdivision flags.
     */
    public static String clean(String name) {
        if (name == null) {
            return null;
        }
        int start = 0;
        int end = name.length();
        while (start < end) {
            int cp = name.codePointAt(start);
            if (!isInvisible(cp)) {
                break;
            }
            start += Character.charCount(cp);
        }
        while (end > start) {
            int cp = name.codePointBefore(end);
            if (!isInvisible(cp) || isTag(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return name.substring(start, end);
    }

    /** Whether nothing of the name would be seen. */
    public static boolean isBlank(String name) {
        return name.codePoints().allMatch(cp -> isInvisible(cp) || isMark(cp));
    }

    /** Control characters (other than in blank edges, which {@link #clean} removes) have no place in a name. */
    public static boolean hasControlCharacter(String name) {
        return name.codePoints().anyMatch(cp -> Character.getType(cp) == Character.CONTROL);
    }

    static boolean isInvisible(int cp) {
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        if (type == Character.CONTROL || type == Character.FORMAT) {
            return true;
        }
        return switch (cp) {
            case 0x115F,
                    0x1160,
                    0x3164,
                    0xFFA0, // Hangul fillers
                    0x2800, // braille pattern blank
                    0x034F, // combining grapheme joiner
                    0x180E, // Mongolian vowel separator
                    0x1D159,
                    0x1D173,
                    0x1D174,
                    0x1D175,
                    0x1D176,
                    0x1D177,
                    0x1D178,
                    0x1D179,
                    0x1D17A -> true;
            default -> false;
        };
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK;
    }

    private static boolean isTag(int cp) {
        return cp >= 0xE0000 && cp <= 0xE007F;
    }
}
