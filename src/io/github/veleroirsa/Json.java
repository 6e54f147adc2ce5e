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
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
