package io.github.veleroirsa.app;

import static io.github.veleroirsa.InvalidInputException.quote;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.veleroirsa.InvalidInputException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.constructs.Node;

/**
 * Reads the app's configuration, strictly: an unknown field, a value of the wrong type, a
 * missing required field or a broken rule of the configuration itself stops the app with one
 * {@link InvalidInputException} (the construct's rules follow when the stack builds the props,
 * {@link VeleroConfig#toBackupProps}, with the same kind of message)
 * that names the field as the JSON spells it ({@code clusters[1].oidcIssuer}).
 *
 * <p>Where it comes from, first match wins: the JSON file named by the context key
 * {@value #FILE_CONTEXT_KEY}; else the context key {@value #CONTEXT_KEY}, a JSON object in
 * {@code cdk.json} or a JSON string given with {@code -c velero='{...}'}.
 */
public final class ConfigLoader {
    public static final String CONTEXT_KEY = "velero";
    public static final String FILE_CONTEXT_KEY = "veleroConfigFile";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // "kms" and "pod_identity" mean what they say: enum values in any case.
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // A number or boolean where a string belongs is a mistake, not a string.
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private ConfigLoader() {}

    /**
     * Loads the configuration from a construct tree's context.
     *
     * @throws InvalidInputException naming the bad field
     */
    public static VeleroConfig load(Node node) {
        Object file = node.tryGetContext(FILE_CONTEXT_KEY);
        if (file != null) {
            if (!(file instanceof String path) || path.isBlank()) {
                String given = file instanceof String p ? quote(p) + (p.isEmpty() ? " is empty" : " is blank")
                        : describe(data(file, FILE_CONTEXT_KEY));
                throw new InvalidInputException(FILE_CONTEXT_KEY, given + " (expected a path to a JSON file: -c "
                        + FILE_CONTEXT_KEY + "=path/to/config.json)");
            }
            rejectTokens(FILE_CONTEXT_KEY, path);
            return parse(read(Path.of(path)), FILE_CONTEXT_KEY, quote(path) + " is not valid JSON: ");
        }
        Object value = node.tryGetContext(CONTEXT_KEY);
        if (value == null) {
            throw new InvalidInputException(CONTEXT_KEY, "missing (expected the configuration object under"
                    + " \"context\" in cdk.json, -c " + CONTEXT_KEY + "='{...}' or -c " + FILE_CONTEXT_KEY
                    + "=path/to/config.json)");
        }
        return value instanceof String json ? parse(json) : bind(data(value, CONTEXT_KEY));
    }

    /**
     * A note for stderr when the configuration file is used while a {@code velero} context value
     * other than the one in the project's {@code cdk.json} is given too (with {@code -c velero}):
     * that value is not used. {@code null} when there is nothing to say: {@code cdk.json} always
     * holds a {@code velero} value, and using a file instead of it is what the file is for.
     */
    public static String sourceNote(Node node) {
        Object file = node.tryGetContext(FILE_CONTEXT_KEY);
        Object value = node.tryGetContext(CONTEXT_KEY);
        if (file == null || value == null || sameAsCdkJson(value)) {
            return null;
        }
        return "velero-irsa: configuration from " + quote(String.valueOf(file)) + " (" + FILE_CONTEXT_KEY + "); the "
                + CONTEXT_KEY + " context value given with -c " + CONTEXT_KEY + " is not used";
    }

    /** Whether a {@code velero} context value is the one the project's {@code cdk.json} holds. */
    private static boolean sameAsCdkJson(Object value) {
        Path cdkJson = Path.of("cdk.json");
        try {
            JsonNode own = Files.isRegularFile(cdkJson) ? MAPPER.readTree(Files.readString(cdkJson)).path("context").path(CONTEXT_KEY)
                    : null;
            JsonNode given = value instanceof String json ? MAPPER.readTree(json) : data(value, CONTEXT_KEY);
            return own != null && own.equals(given);
        } catch (IOException | InvalidInputException e) {
            return false;
        }
    }

    /** Where {@link #load} reads the configuration from, in words: for messages. */
    public static String source(Node node) {
        Object file = node.tryGetContext(FILE_CONTEXT_KEY);
        return file != null ? "config file " + shown(String.valueOf(file)) : "context " + CONTEXT_KEY;
    }

    private static String read(Path path) {
        if (Files.isDirectory(path)) {
            throw new InvalidInputException(FILE_CONTEXT_KEY, quote(path.toString()) + " is a folder (expected a"
                    + " JSON file)");
        }
        try {
            return Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(FILE_CONTEXT_KEY, quote(path.toString()) + " does not exist (expected"
                    + " a JSON file, relative to the folder cdk runs in: " + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            // Name the cause in words, not as a Java exception class.
            String why = e instanceof AccessDeniedException ? "permission denied" : cut(oneLine(e.getMessage()));
            throw new InvalidInputException(FILE_CONTEXT_KEY, quote(path.toString()) + " cannot be read: " + why
                    + " (expected a readable JSON file)");
        }
    }

    /** Parses a JSON text into a checked configuration. */
    public static VeleroConfig parse(String json) {
        return parse(json, CONTEXT_KEY, "not valid JSON: ");
    }

    /** Parses a JSON text; a syntax error is reported under {@code field}, after {@code what}. */
    private static VeleroConfig parse(String json, String field, String what) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String why = e.getOriginalMessage().lines().findFirst().orElse("")
                    .replaceAll(" \\(start marker at \\[Source: .*?\\]\\)", "");
            throw new InvalidInputException(field, what + cut(why)
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        }
        return bind(tree);
    }

    /**
     * A context value as JSON data: text, numbers, booleans, lists and objects of them. Anything
     * else (an object jsii made of a {@code $jsii.byref} or {@code $jsii.enum} in cdk.json) is
     * refused where it is, before it is read.
     */
    private static JsonNode data(Object value, String at) {
        if (value == null) {
            return MAPPER.nullNode();
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return MAPPER.valueToTree(value);
        }
        if (value instanceof java.util.List<?> list) {
            var out = MAPPER.createArrayNode();
            for (int i = 0; i < list.size(); i++) {
                out.add(data(list.get(i), at + "[" + i + "]"));
            }
            return out;
        }
        if (value instanceof java.util.Map<?, ?> map) {
            var out = MAPPER.createObjectNode();
            for (var e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                out.set(key, data(e.getValue(), field(at.equals(CONTEXT_KEY) ? "" : at, key)));
            }
            return out;
        }
        throw new InvalidInputException(at, "is not JSON data but an object of another kind (expected text,"
                + " numbers, booleans, lists and objects of them; {\"$jsii.byref\": ...} and the like are not configuration)");
    }

    /** A file name as a message shows it: as it is, or quoted where it is long or holds other than printable ASCII. */
    private static String shown(String path) {
        return path.matches("[\\x21-\\x7e][\\x20-\\x7e]{0,199}") ? path : quote(path);
    }

    /** Another program's words on one line. */
    static String oneLine(String text) {
        return String.valueOf(text).replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** A parser's own words, which may quote the input: at most {@value InvalidInputException#MAX_QUOTED_LENGTH} characters. */
    static String cut(String text) {
        int max = InvalidInputException.MAX_QUOTED_LENGTH;
        return text.length() <= max ? text : text.substring(0, max) + "... (" + text.length() + " characters)";
    }

    /** Binds a JSON tree to a checked configuration. */
    public static VeleroConfig bind(JsonNode tree) {
        if (tree == null || tree.isMissingNode() || !tree.isObject()) {
            throw new InvalidInputException(CONTEXT_KEY, describe(tree) + " (expected a JSON object with at least"
                    + " \"clusters\")");
        }
        rejectNulls(tree, "");
        rejectTokens(tree, "");
        if (tree.has(CONTEXT_KEY) && !tree.has("clusters")) {
            throw new InvalidInputException(CONTEXT_KEY, "the configuration is wrapped in {\"" + CONTEXT_KEY + "\": {...}},"
                    + " the form cdk.json's \"context\" takes (expected the configuration object itself, {\"clusters\":"
                    + " [...], ...}, without the \"" + CONTEXT_KEY + "\" wrapper)");
        }
        VeleroConfig config;
        try {
            config = MAPPER.treeToValue(tree, VeleroConfig.class);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof InvalidInputException bad) {
                String at = path(e.getPath());
                throw at.isEmpty() ? bad : bad.under(at);
            }
            throw new InvalidInputException(orRoot(path(e.getPath())), cut(e.getOriginalMessage()));
        } catch (JacksonException e) {
            throw translate(tree, e);
        }
        return config;
    }

    /** An explicit null is a mistake: a field is either left out (for its default) or set. */
    private static void rejectNulls(JsonNode node, String at) {
        if (node.isNull()) {
            throw new InvalidInputException(orRoot(at), "null is not allowed (expected a value, or the field left"
                    + " out for its default)");
        }
        if (node.isObject()) {
            node.properties().forEach(f -> rejectNulls(f.getValue(), field(at, f.getKey())));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                rejectNulls(node.get(i), at + "[" + i + "]");
            }
        }
    }

    /**
     * CDK token syntax: aws-cdk-lib's string and list token markers ({@code ${Token[},
     * {@code #{Token[}) and a number token written out as text ({@code -1.<digits>e+289},
     * aws-cdk-lib's {@code STRINGIFIED_NUMBER_PATTERN}). A superset of what aws-cdk-lib's
     * {@code Token.isUnresolved} takes for a token in a string: the markers alone suffice.
     * Numbers need no check: every number field is a whole number, and a number token is not.
     */
    private static final Pattern TOKEN_SYNTAX = Pattern.compile("[$#]\\{Token\\[|-1\\.\\d{10,16}e\\+289");

    /**
     * A configuration is data: a string that aws-cdk-lib would take for a token (and so for a
     * value known only at deploy time, which every rule lets through) is refused, names included.
     */
    private static void rejectTokens(JsonNode node, String at) {
        if (node.isTextual()) {
            rejectTokens(orRoot(at), node.textValue());
        } else if (node.isObject()) {
            node.properties().forEach(f -> {
                String field = field(at, f.getKey());
                if (TOKEN_SYNTAX.matcher(f.getKey()).find()) {
                    throw new InvalidInputException(field, "the name " + quote(f.getKey()) + TOKEN_PROBLEM);
                }
                rejectTokens(f.getValue(), field);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                rejectTokens(node.get(i), at + "[" + i + "]");
            }
        }
    }

    private static void rejectTokens(String field, String value) {
        if (TOKEN_SYNTAX.matcher(value).find()) {
            throw new InvalidInputException(field, quote(value) + TOKEN_PROBLEM);
        }
    }

    private static final String TOKEN_PROBLEM = " holds CDK token syntax (expected plain text: a configuration is"
            + " data, and ${Token[...]}, #{Token[...]} or -1.<digits>e+289 would be taken for a deploy-time value and"
            + " skip every check)";

    private static InvalidInputException translate(JsonNode tree, JacksonException e) {
        List<JsonMappingException.Reference> refs =
                e instanceof JsonMappingException m ? m.getPath() : List.of();
        String at = path(refs);
        if (e instanceof UnrecognizedPropertyException u) {
            String hint = nearest(u.getPropertyName(), u.getKnownPropertyIds())
                    .map(known -> "; did you mean " + quote(known) + "?").orElse("");
            return new InvalidInputException(at, "unknown field (expected one of: "
                    + names(u.getKnownPropertyIds()) + hint + ")");
        }
        JsonNode value = find(tree, refs);
        if (e.getCause() instanceof InputCoercionException c && c.getTargetType() != null) {
            return new InvalidInputException(orRoot(at), cut(String.valueOf(value)) + " is out of range (expected "
                    + expected(c.getTargetType()) + ")");
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null && m.getTargetType().isEnum()
                && value != null && value.isTextual()) {
            return new InvalidInputException(orRoot(at), quote(value.textValue()) + " is not one of the allowed values"
                    + " (expected " + expected(m.getTargetType()) + ")");
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return new InvalidInputException(orRoot(at), describe(value) + " (expected " + expected(m.getTargetType())
                    + ")");
        }
        return new InvalidInputException(orRoot(at), describe(value) + ": " + cut(e.getOriginalMessage()));
    }

    private static String expected(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class) {
            return "a whole number between 1 and " + Integer.MAX_VALUE;
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(c -> quote(c.toString()))
                    .collect(Collectors.joining(", "));
        }
        return "an object";
    }

    /** The JSON value itself and its kind, e.g. {@code "30" is a string}. */
    private static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isNull()) {
            return "null";
        }
        String text = value.toString();
        if (text.length() > 80) {
            text = text.substring(0, 77) + "... (" + text.length() + " characters)";
        }
        String kind = switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> value.isIntegralNumber() ? "a whole number" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            default -> "a " + value.getNodeType().toString().toLowerCase();
        };
        return text + " is " + kind;
    }

    private static JsonNode find(JsonNode tree, List<JsonMappingException.Reference> refs) {
        JsonNode node = tree;
        for (JsonMappingException.Reference ref : refs) {
            if (node == null) {
                return null;
            }
            node = ref.getFieldName() != null ? node.get(ref.getFieldName()) : node.get(ref.getIndex());
        }
        return node;
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                String at = field(out.toString(), ref.getFieldName());
                out.setLength(0);
                out.append(at);
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /**
     * The path of a field under {@code parent}: {@code clusters[0].name}, or with the name quoted
     * in brackets when it is not a plain word ({@code [""]}, {@code clusters[0]["a b"]}).
     */
    private static String field(String parent, String name) {
        if (!PLAIN_NAME.matcher(name).matches() || name.length() > InvalidInputException.MAX_QUOTED_LENGTH) {
            return parent + "[" + quote(name) + "]";
        }
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** A field name written as it is in a path; any other is quoted. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

    private static String orRoot(String path) {
        return path.isEmpty() ? CONTEXT_KEY : path;
    }

    /**
     * The known name a misspelt one most likely meant: the same letters in another case, or
     * else the closest by edit distance, at most 2 edits (1 for names of up to 4 letters) away.
     */
    static java.util.Optional<String> nearest(String given, Collection<Object> known) {
        String lower = given.toLowerCase(java.util.Locale.ROOT);
        java.util.Optional<String> sameLetters = known.stream().map(String::valueOf)
                .filter(k -> k.equalsIgnoreCase(given)).findFirst();
        if (sameLetters.isPresent()) {
            return sameLetters;
        }
        int allowed = given.length() <= 4 ? 1 : 2;
        return known.stream().map(String::valueOf).sorted()
                .filter(k -> distance(lower, k.toLowerCase(java.util.Locale.ROOT)) <= allowed)
                .min(java.util.Comparator.comparingInt(k -> distance(lower, k.toLowerCase(java.util.Locale.ROOT))));
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String names(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }
}
