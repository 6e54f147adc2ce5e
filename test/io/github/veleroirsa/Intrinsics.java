package io.github.veleroirsa;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.function.Function;

/**
 * CloudFormation's string intrinsics ({@code Fn::Join}, of a list or of an {@code Fn::Split}, {@code Ref}, {@code Fn::GetAtt}) written
 * out with values a test chooses, to read a template value as a person will after a deploy.
 * The one resolver of the tests.
 */
public final class Intrinsics {
    private Intrinsics() {}

    /** Pseudo parameters and references as a deploy into account 111122223333, us-west-2, gives them. */
    public static final Map<String, String> SAMPLE = Map.of(
            "AWS::Partition", "aws",
            "AWS::AccountId", "111122223333",
            "AWS::Region", "us-west-2",
            "AWS::URLSuffix", "amazonaws.com");

    /**
     * A copy of a template value (a policy document, say) with every intrinsic written out as
     * {@link #resolve} writes it: what IAM sees once the stack is deployed.
     */
    public static JsonNode resolveAll(JsonNode value, Function<String, String> values) {
        if (value.isObject() && (value.has("Ref") || value.has("Fn::GetAtt") || value.has("Fn::Join"))) {
            return TestApps.JSON.getNodeFactory().textNode(resolve(value, values));
        }
        if (value.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode out = TestApps.JSON.createObjectNode();
            value.properties().forEach(e -> out.set(e.getKey(), resolveAll(e.getValue(), values)));
            return out;
        }
        if (value.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = TestApps.JSON.createArrayNode();
            value.forEach(v -> out.add(resolveAll(v, values)));
            return out;
        }
        return value;
    }

    /**
     * The value as text; {@code Ref} of a pseudo parameter or resource and {@code Fn::GetAtt} are
     * looked up in {@code values} (keys: the {@code Ref} name, or {@code logicalId.attribute});
     * anything else fails the test.
     */
    public static String resolve(JsonNode value, Function<String, String> values) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.has("Fn::Join")) {
            String separator = value.get("Fn::Join").get(0).asText();
            JsonNode parts = value.get("Fn::Join").get(1);
            java.util.List<String> list = new java.util.ArrayList<>();
            if (parts.isObject() && parts.has("Fn::Split")) {
                // Fn::Split's list: its source cut at every delimiter, empty pieces kept.
                String delimiter = parts.get("Fn::Split").get(0).asText();
                String source = resolve(parts.get("Fn::Split").get(1), values);
                list.addAll(java.util.Arrays.asList(source.split(java.util.regex.Pattern.quote(delimiter), -1)));
            } else {
                parts.forEach(part -> list.add(resolve(part, values)));
            }
            return String.join(separator, list);
        }
        String key = value.has("Ref") ? value.get("Ref").asText()
                : value.has("Fn::GetAtt") ? value.get("Fn::GetAtt").get(0).asText() + "." + value.get("Fn::GetAtt").get(1).asText()
                : null;
        String resolved = key == null ? null : values.apply(key);
        if (resolved == null) {
            throw new AssertionError("no value for the intrinsic " + value);
        }
        return resolved;
    }
}
