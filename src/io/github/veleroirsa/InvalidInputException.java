package io.github.veleroirsa;

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

    /**
     * @param field   where the value sits, for example {@code clusters[0].oidcIssuer}
     * @param problem the bad value and what is expected instead
     */
    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem);
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
     * The same problem under another field name: {@code rename} maps the field as it stands.
     *
     * @param rename maps the field's name to the new one
     * @return a new exception with the renamed field
     */
    public InvalidInputException renamed(java.util.function.UnaryOperator<String> rename) {
        InvalidInputException e = new InvalidInputException(rename.apply(field), problem);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /**
     * The same problem, with its field placed under {@code parent} ({@code clusters[2]}).
     *
     * @param parent the field that holds this one
     * @return a new exception with the field's full path
     */
    public InvalidInputException under(String parent) {
        return new InvalidInputException(parent + "." + field, problem);
    }

    /**
     * Quotes a value the way every message of this project does: JSON-style, escapes visible.
     *
     * @param value any string, {@code null} included
     * @return the value in double quotes, with JSON's escapes
     */
    public static String quote(String value) {
        return value == null ? "null" : Json.quote(value);
    }
}
