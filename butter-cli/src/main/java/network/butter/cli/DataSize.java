package network.butter.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory as an operator types it: {@code 256m}, {@code 1g}, {@code 512MiB}, {@code 64k} or a
 * plain number of bytes. Units are binary, as in {@code java -Xmx}: {@code k} is 1024 bytes, {@code m}
 * 1024 k, {@code g} 1024 m, {@code t} 1024 g, and {@code MB} means the same as {@code MiB}. Case does not
 * matter and a space may separate number and unit.
 *
 * @param bytes the amount in bytes, at least 1
 */
public record DataSize(long bytes) {

    private static final Pattern SYNTAX = Pattern.compile("(\\d+)\\s*(?:([kmgt])(?:i?b)?|b)?");

    /** Checks the amount is positive. */
    public DataSize {
        if (bytes < 1) {
            throw new IllegalArgumentException("a size must be at least 1 byte, got " + bytes);
        }
    }

    /**
     * Reads a size such as {@code 512m}; see the type description for the syntax.
     *
     * @throws IllegalArgumentException saying what is wrong and what a valid size looks like
     */
    public static DataSize parse(String text) {
        Matcher matcher = SYNTAX.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use a whole number with an optional"
                + " unit k, m, g or t (binary), e.g. 512m, 1g or 768MiB");
        }
        int shift = switch (matcher.group(2) == null ? "" : matcher.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long number = Long.parseLong(matcher.group(1));
            if (number > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return new DataSize(number << shift);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size", e);
        }
    }

    /** The size in the largest binary unit that divides it, e.g. {@code 512 MiB}, or in bytes. */
    @Override
    public String toString() {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            int shift = 40 - 10 * i;
            if (bytes % (1L << shift) == 0) {
                return (bytes >> shift) + " " + units[i];
            }
        }
        return bytes + " bytes";
    }
}
