package io.github.veleroirsa;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Compact JSON of plain maps, lists and scalars: the one JSON writer of the construct package. */
final class Json {
    private Json() {}

    /** Writes {@code value} as compact JSON. */
    static String write(Object value) {
        return write(value, m -> null);
    }

    /**
     * Writes {@code value} as compact JSON; a map for which {@code asString} gives a string is
     * written as that string (for CloudFormation intrinsics standing for a value).
     */
    static String write(Object value, Function<Map<?, ?>, String> asString) {
        StringBuilder out = new StringBuilder();
        write(value, asString, out);
        return out.toString();
    }

    private static void write(Object value, Function<Map<?, ?>, String> asString, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            String replaced = asString.apply(map);
            if (replaced != null) {
                string(replaced, out);
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                string(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), asString, out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(list.get(i), asString, out);
            }
            out.append(']');
        } else if (value instanceof String s) {
            string(s, out);
        } else {
            out.append(value);
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append(quote(s));
    }

    /**
     * A JSON string literal of {@code value}, with every character a reader could not see
     * escaped: controls, whitespace other than the space, and lone surrogates (which UTF-8 cannot
     * carry). The one escaper of the project: messages quote values with it too.
     */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1));
                    if (pair) {
                        out.append(c).append(value.charAt(++i));
                    } else if (c < 0x20 || Character.isWhitespace(c) && c != ' ' || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
