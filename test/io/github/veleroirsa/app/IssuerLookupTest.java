package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.ContextProvider;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.GetContextKeyOptions;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;

/**
 * Clusters named by {@code clusterName} instead of {@code oidcIssuer}: the app asks the CDK CLI
 * to look their issuers up (the cloud assembly's {@code missing}), and builds the same template
 * as from the issuers once the answers are in the context (cdk.context.json).
 */
class IssuerLookupTest {
    static final String ACCOUNT = "111122223333";
    static final String REGION = "us-west-2";
    static final Path FIXTURES = Path.of("test/lookup");
    static final String WEST = "https://oidc.eks.us-west-2.amazonaws.com/id/4E614F147B4A117AD923A6929280CC11";
    static final String EAST = "https://oidc.eks.us-east-1.amazonaws.com/id/B1C2D3E4F5A60718293A4B5C6D7E8F90";

    static String fixture(String name) throws IOException {
        return Files.readString(FIXTURES.resolve(name));
    }

    /** The key the CLI writes for a cluster's query, built as aws-cdk-lib builds it. */
    static String key(String clusterName, String region) {
        Stack stack = new Stack(TestApps.app(Map.of(), null), "Keys", StackProps.builder()
                .env(Environment.builder().account(ACCOUNT).region(REGION).build()).build());
        GetContextKeyOptions query = GetContextKeyOptions.builder().provider("cc-api-provider")
                .props(Map.of("typeName", "AWS::EKS::Cluster", "exactIdentifier", clusterName,
                        "propertiesToReturn", List.of("OpenIdConnectIssuerUrl"), "region", region))
                .build();
        return ContextProvider.getKey(stack, query).getKey();
    }

    static List<Map<String, String>> answer(String issuer, String clusterName) {
        return List.of(Map.of("OpenIdConnectIssuerUrl", issuer, "Identifier", clusterName));
    }

    static AppRun run(String config, Map<String, Object> cached, String account) {
        Map<String, Object> context = new HashMap<>(cached);
        context.put(ConfigLoader.CONTEXT_KEY, config);
        return AppRun.of(context, account, REGION);
    }

    static Map<String, Object> answers() {
        return Map.of(key("prod-west", "us-west-2"), answer(WEST, "prod-west"),
                key("dr-east", "us-east-1"), answer(EAST, "dr-east"));
    }

    @Test
    void theCommittedFixtureHoldsTheKeysTheAppAsksFor() throws IOException {
        JsonNode fixture = TestApps.JSON.readTree(fixture("cdk.context.json"));
        assertThat(fixture.fieldNames()).toIterable()
                .containsExactlyInAnyOrder(key("prod-west", "us-west-2"), key("dr-east", "us-east-1"));
    }

    @Test
    void withTheAnswersCachedTheTemplateIsTheOneTheIssuersGive() throws IOException {
        AppRun byName = run(fixture("clusters-by-name.json"), answers(), ACCOUNT);
        assertThat(byName.err()).isEmpty();
        assertThat(byName.status()).isZero();
        assertThat(byName.json("manifest.json").has("missing")).isFalse();
        JsonNode template = byName.template("VeleroBackup");

        // Per cluster, across the two regions: the provider URL and both trust conditions.
        List<String> urls = new ArrayList<>();
        List<String> conditionKeys = new ArrayList<>();
        template.get("Resources").forEach(r -> {
            if (r.get("Type").asText().equals("AWS::IAM::OIDCProvider")) {
                urls.add(r.at("/Properties/Url").asText());
            }
            if (r.get("Type").asText().equals("AWS::IAM::Role")) {
                r.at("/Properties/AssumeRolePolicyDocument/Statement")
                        .forEach(s -> s.at("/Condition/StringEquals").fieldNames().forEachRemaining(conditionKeys::add));
            }
        });
        assertThat(urls).containsExactlyInAnyOrder(WEST, EAST);
        String west = WEST.substring("https://".length());
        String east = EAST.substring("https://".length());
        assertThat(conditionKeys).containsExactlyInAnyOrder(west + ":sub", west + ":aud", east + ":sub", east + ":aud");
        assertThat(template.has("Rules") && template.get("Rules").has("IssuersNotLookedUp")).isFalse();

        AppRun byIssuer = run(fixture("clusters-by-issuer.json"), Map.of(), ACCOUNT);
        assertThat(byIssuer.status()).isZero();
        assertThat(template).isEqualTo(byIssuer.template("VeleroBackup"));
    }

    @Test
    void withoutTheAnswersTheAppAsksForEachClusterAndExitsZero() throws IOException {
        AppRun run = run(fixture("clusters-by-name.json"), Map.of(), ACCOUNT);
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        JsonNode missing = run.json("manifest.json").get("missing");
        assertThat(missing).hasSize(2);
        Map<String, String> regionByCluster = Map.of("prod-west", "us-west-2", "dr-east", "us-east-1");
        List<String> keys = new ArrayList<>();
        missing.forEach(m -> {
            keys.add(m.get("key").asText());
            JsonNode props = m.get("props");
            assertThat(m.get("provider").asText()).isEqualTo("cc-api-provider");
            assertThat(props.get("typeName").asText()).isEqualTo("AWS::EKS::Cluster");
            assertThat(props.get("propertiesToReturn")).containsExactly(TestApps.JSON.valueToTree("OpenIdConnectIssuerUrl"));
            assertThat(props.get("account").asText()).isEqualTo(ACCOUNT);
            String cluster = props.get("exactIdentifier").asText();
            assertThat(props.get("region").asText()).isEqualTo(regionByCluster.get(cluster));
            assertThat(props.get("lookupRoleArn").asText()).contains(":role/cdk-").contains("-lookup-role-" + ACCOUNT);
        });
        assertThat(keys).containsExactlyInAnyOrder(key("prod-west", "us-west-2"), key("dr-east", "us-east-1"));

        // The first pass's template holds placeholders, one per cluster, and cannot be deployed.
        JsonNode template = run.template("VeleroBackup");
        assertThat(template.at("/Rules/IssuersNotLookedUp/Assertions/0/Assert").toString())
                .isEqualTo("{\"Fn::Equals\":[\"looked-up\",\"not-looked-up\"]}");
        assertThat(template.at("/Rules/IssuersNotLookedUp/Assertions/0/AssertDescription").asText())
                .contains("backup, restore");
        assertThat(template.toString()).doesNotContain("4E614F147B4A117AD923A6929280CC11");
    }

    @Test
    void theTrustSizeCheckRunsOnThePlaceholdersAtTheirRealLength() throws IOException {
        // Five clusters by name: five real issuers would not fit in 2,048 characters, nor do the placeholders.
        StringBuilder clusters = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            clusters.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"clusterName\":\"eks-")
                    .append(i).append("\"}");
        }
        AppRun run = run("{\"clusters\":[" + clusters + "]}", Map.of(), ACCOUNT);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("clusters: the role's trust policy would be").contains("the first 4 of these 5");
        assertThat(run.files()).isEmpty();
    }

    @Test
    void withoutAnAccountOrWithAPortableTemplateIssuersCannotBeLookedUp() throws IOException {
        for (String config : List.of(fixture("clusters-by-name.json"),
                fixture("clusters-by-name.json").replaceFirst("\\{", "{\"synthesizer\":\"portable\",\n"))) {
            AppRun run = run(config, Map.of(), config.contains("portable") ? ACCOUNT : null);
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters[0].oidcIssuer:"
                    + " missing, and clusterName \"prod-west\" is looked up in the stack's account, which is not known")
                    .contains("; or oidcIssuer)");
            assertThat(run.files()).isEmpty();
        }
    }

    @Test
    void aClusterWithNeitherIssuerNorNameIsNamed() {
        AppRun run = run("{\"clusters\":[{\"name\":\"backup\"}]}", Map.of(), ACCOUNT);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters[0].oidcIssuer:"
                + " missing");
    }

    @Test
    void aClusterTheLookupCannotFindIsNamed() throws IOException {
        Map<String, Object> cached = new HashMap<>(answers());
        cached.put(key("dr-east", "us-east-1"), Map.of("$providerError",
                "No resource of type AWS::EKS::Cluster with identifier: dr-east"));
        AppRun run = run(fixture("clusters-by-name.json"), cached, ACCOUNT);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters[1].clusterName:"
                + " the lookup of EKS cluster \"dr-east\" (cluster \"restore\") in account 111122223333, region us-east-1"
                + " failed: No resource of type AWS::EKS::Cluster with identifier: dr-east");
        assertThat(run.files()).isEmpty();
    }

    @Test
    void anAnswerThatIsNoEksIssuerOfTheRegionIsNamed() throws IOException {
        for (Object bad : List.of(answer("https://token.actions.githubusercontent.com", "dr-east"), answer(WEST, "dr-east"),
                List.of(), "https://oidc.eks.us-east-1.amazonaws.com/id/B1C2D3E4F5A60718293A4B5C6D7E8F90")) {
            Map<String, Object> cached = new HashMap<>(answers());
            cached.put(key("dr-east", "us-east-1"), bad);
            AppRun run = run(fixture("clusters-by-name.json"), cached, ACCOUNT);
            assertThat(run.status()).as("%s", bad).isEqualTo(1);
            String key = key("dr-east", "us-east-1");
            assertThat(run.err()).as("%s", bad).startsWith("velero-irsa: invalid configuration (context velero):"
                    + " clusters[1].clusterName: the lookup of EKS cluster \"dr-east\" (cluster \"restore\") in us-east-1"
                    + " answered " + io.github.veleroirsa.InvalidInputException.quote(String.valueOf(bad)) + ", which holds"
                    + " no EKS issuer URL of that region").contains("`cdk context --reset " + key + "`");
            assertThat(run.err().lines().count()).isEqualTo(1);
        }
    }

    @Test
    void verifyIssuersLooksUpGivenIssuersAndNamesAMismatch() throws IOException {
        String verified = fixture("clusters-by-issuer.json").replaceFirst("\\{", "{\"verifyIssuers\":true,\n");
        // Agreeing: the same template as without verification.
        AppRun agree = run(verified, answers(), ACCOUNT);
        assertThat(agree.status()).isZero();
        assertThat(agree.template("VeleroBackup"))
                .isEqualTo(run(fixture("clusters-by-issuer.json"), Map.of(), ACCOUNT).template("VeleroBackup"));

        // Not yet answered: asked for, and nothing fails on the first pass.
        AppRun first = run(verified, Map.of(), ACCOUNT);
        assertThat(first.status()).isZero();
        assertThat(first.json("manifest.json").get("missing")).hasSize(2);

        // Swapped issuers, the manual guide's mistake: named, with both values.
        Map<String, Object> swapped = Map.of(key("prod-west", "us-west-2"), answer(WEST.replace("4E614F", "AAAAAA"), "prod-west"),
                key("dr-east", "us-east-1"), answer(EAST, "dr-east"));
        AppRun differ = run(verified, swapped, ACCOUNT);
        assertThat(differ.status()).isEqualTo(1);
        assertThat(differ.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters[0].oidcIssuer: \""
                + WEST + "\" is not the issuer of EKS cluster \"prod-west\" in us-west-2, which is \""
                + WEST.replace("4E614F", "AAAAAA") + "\"");
        assertThat(differ.files()).isEmpty();

        // A cluster without region is verified in the region its issuer names (dr-east: us-east-1).
        String noRegion = verified.replace("\"region\": \"us-east-1\",", "");
        assertThat(noRegion).doesNotContain("\"region\"");
        AppRun inIssuersRegion = run(noRegion, answers(), ACCOUNT);
        assertThat(inIssuersRegion.status()).isZero();
        assertThat(inIssuersRegion.json("manifest.json").has("missing")).isFalse();

        // Without verification, a given issuer is never looked up: offline as before.
        AppRun offline = run(fixture("clusters-by-issuer.json"), Map.of(), null);
        assertThat(offline.status()).isZero();
        assertThat(offline.json("manifest.json").has("missing")).isFalse();

        // Verification needs the account.
        AppRun noAccount = run(verified, Map.of(), null);
        assertThat(noAccount.status()).isEqualTo(1);
        assertThat(noAccount.err()).startsWith("velero-irsa: invalid configuration (context velero): verifyIssuers: true:"
                + " the issuers are looked up in the stack's account, which is not known").contains("; or verifyIssuers false)");
    }
}
