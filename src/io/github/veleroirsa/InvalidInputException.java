package io.github.veleroirsa;

import java.util.List;
import java.util.Objects;

/**
 * A value given to velero-irsa breaks one of its rules.
 *
 * <p>The message is {@code <field>: <problem>}, where the problem quotes the bad value and says
 * what is expected, for example {@code clusters[1].namespace: "Velero_NS" is not a DNS-1123
 * label (expected ...)}. The field path follows the configuration file, so a user can find the
 * line to fix.
 */
public final class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Where the value sits, for example {@code clusters[0].oidcIssuer}. */
    private final String field;
    /** What is wrong with it, and what is expected. */
    private final String problem;
    /** What the field belongs to, for example {@code cluster "backup"}, or {@code null}. */
    private final String subject;

    /**
     * @param field   where the value sits, for example {@code clusters[0].oidcIssuer}
     * @param problem the bad value and what is expected instead
     */
    public InvalidInputException(String field, String problem) {
        this(null, field, problem);
    }

    private InvalidInputException(String subject, String field, String problem) {
        super((subject == null ? "" : subject + ": ") + field + ": " + problem);
        this.subject = subject;
        this.field = Objects.requireNonNull(field, "field");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** {@return Where the bad value sits, for example {@code clusters[0].oidcIssuer}} */
    public String getField() {
        return field;
    }

    /** {@return the bad value and what is expected instead, without the field} */
    public String getProblem() {
        return problem;
    }

    /**
     * {@return what the field belongs to, for example {@code cluster "backup"} for a value of an
     * {@link EksCluster}; {@code null} for a field of the props or of a configuration}
     */
    public String getSubject() {
        return subject;
    }

    /**
     * The same problem, said of what the field belongs to: {@code cluster "backup": namespace: ...}.
     *
     * @param subject what the field belongs to, for example {@code cluster "backup"}
     * @return a new exception with that subject, unless this one has one already
     */
    public InvalidInputException about(String subject) {
        return this.subject != null ? this : new InvalidInputException(subject, field, problem);
    }

    /**
     * The same problem, with its field placed under {@code parent} ({@code clusters[2]}): the
     * place in a list, which the layer that holds the list knows. The subject is dropped, the
     * place says it.
     *
     * @param parent the field that holds this one
     * @return a new exception with the field's full path
     */
    public InvalidInputException under(String parent) {
        return new InvalidInputException(parent + "." + field, problem);
    }

    /** Values longer than this are shown cut in a message, with their length. */
    public static final int MAX_QUOTED_LENGTH = 200;
    /** Lists of names longer than this are shown cut in a message, with their count. */
    public static final int MAX_LISTED_NAMES = 10;

    /**
     * Quotes a value the way every message of this project does: JSON-style, escapes visible. A
     * value of more than {@value #MAX_QUOTED_LENGTH} characters is cut there and followed by its
     * length, so that a message stays one readable line whatever it quotes.
     *
     * @param value any string, {@code null} included
     * @return the value in double quotes, with JSON's escapes
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        if (value.length() <= MAX_QUOTED_LENGTH) {
            return Json.quote(value);
        }
        int cut = Character.isHighSurrogate(value.charAt(MAX_QUOTED_LENGTH - 1)) ? MAX_QUOTED_LENGTH - 1 : MAX_QUOTED_LENGTH;
        return Json.quote(value.substring(0, cut)) + "... (" + value.length() + " characters)";
    }

    /**
     * Names for a message, in natural order ({@code c2} before {@code c10}), comma-separated: at
     * most {@value #MAX_LISTED_NAMES}, then how many more there are.
     *
     * @param names cluster or role names
     * @return {@code a, b, c} or {@code c0, c1, ..., c9 and 4990 more}
     */
    public static String names(java.util.Collection<String> names) {
        List<String> sorted = names.stream().sorted(InvalidInputException::natural).toList();
        String shown = String.join(", ", sorted.subList(0, Math.min(MAX_LISTED_NAMES, sorted.size())));
        return sorted.size() <= MAX_LISTED_NAMES ? shown : shown + " and " + (sorted.size() - MAX_LISTED_NAMES) + " more";
    }

    /** Natural order: runs of digits compare as numbers, everything else as text. */
    static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int ei = i;
                int ej = j;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                java.math.BigInteger m = new java.math.BigInteger(a.substring(i, ei));
                java.math.BigInteger n = new java.math.BigInteger(b.substring(j, ej));
                int c = m.compareTo(n);
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }
}
