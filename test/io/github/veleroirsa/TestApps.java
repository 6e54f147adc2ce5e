package io.github.veleroirsa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** Apps for tests, with the feature flags of the project's own cdk.json. */
public final class TestApps {
    public static final ObjectMapper JSON = new ObjectMapper();

    /** Issuers of the guide's two clusters, as EKS prints them. */
    public static final String ISSUER_A = "https://oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1";
    public static final String ISSUER_B = "https://oidc.eks.us-west-1.amazonaws.com/id/6895F1604286AE3EB02EFD39CAC4E288";
    public static final String ISSUER_C = "https://oidc.eks.eu-central-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

    private static final JsonNode CDK_JSON = readCdkJson();

    private TestApps() {}

    private static JsonNode readCdkJson() {
        try {
            return JSON.readTree(Path.of("cdk.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project's cdk.json. */
    public static JsonNode cdkJson() {
        return CDK_JSON;
    }

    /** The feature flags of cdk.json: its context without the app's configuration. */
    public static Map<String, Object> featureFlags() {
        Map<String, Object> flags = new LinkedHashMap<>();
        CDK_JSON.get("context").properties().forEach(f -> {
            if (f.getKey().startsWith("@")) {
                flags.put(f.getKey(), JSON.convertValue(f.getValue(), Object.class));
            }
        });
        return flags;
    }

    /** A new app with the project's feature flags and the given extra context. */
    public static App app(Map<String, Object> context, Path outdir) {
        Map<String, Object> all = new LinkedHashMap<>(featureFlags());
        all.putAll(context);
        AppProps.Builder props = AppProps.builder().context(all);
        if (outdir != null) {
            props.outdir(outdir.toString());
        }
        return new App(props.build());
    }

    /** The template of a stack that holds one {@link VeleroBackup} with these props. */
    public static Template construct(VeleroBackupProps props) {
        return construct(stack -> new VeleroBackup(stack, "Velero", props));
    }

    /** The template of a stack built by {@code body}. */
    public static Template construct(Consumer<Stack> body) {
        Stack stack = new Stack(app(Map.of(), null), "Test");
        body.accept(stack);
        return Template.fromStack(stack);
    }

    public static EksCluster cluster(String name, String issuer) {
        return EksCluster.builder().name(name).oidcIssuer(issuer).build();
    }

    public static VeleroBackupProps props(EksCluster... clusters) {
        return VeleroBackupProps.builder().clusters(List.of(clusters)).build();
    }

    /** The one resource of a type: its logical ID. Fails unless there is exactly one. */
    public static String onlyLogicalId(Template template, String type) {
        Map<String, Map<String, Object>> found = template.findResources(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + ", found " + found.keySet());
        }
        return found.keySet().iterator().next();
    }

    /** The one resource of a type, as JSON. */
    public static JsonNode only(Template template, String type) {
        return JSON.valueToTree(template.findResources(type).get(onlyLogicalId(template, type)));
    }

    /** The whole template as JSON. */
    public static JsonNode json(Template template) {
        return JSON.valueToTree(template.toJSON());
    }

    /** A JSON literal written with single quotes, for readable expectations. */
    public static JsonNode parse(String singleQuotedJson) {
        try {
            return JSON.readTree(singleQuotedJson.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
