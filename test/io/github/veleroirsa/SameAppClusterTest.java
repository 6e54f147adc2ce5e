package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ClusterAttributes;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.eks_v2.KubernetesVersion;
import software.amazon.awscdk.services.iam.OpenIdConnectProvider;

/**
 * Clusters of the same CDK app ({@link EksCluster#fromCluster}): their issuer, name and OIDC
 * provider are deploy-time tokens. IRSA's condition keys go through a {@code CfnJson}; Pod Identity
 * needs no custom resource; literal clusters beside them are unchanged.
 */
class SameAppClusterTest {
    static final String ISSUER_ID = "4E614F147B4A117AD923A6929280CC11";
    static final String CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource";

    record Built(Stack stack, VeleroBackup backup, JsonNode template) {}

    static Built build(WorkloadIdentity identity, boolean withLiteral) {
        Stack stack = new Stack(TestApps.app(Map.of(), null), "Test");
        Cluster cluster = Cluster.Builder.create(stack, "Cluster").version(KubernetesVersion.V1_33).build();
        List<EksCluster> clusters = new ArrayList<>();
        clusters.add(EksCluster.fromCluster("prod", cluster).build());
        if (withLiteral) {
            clusters.add(EksCluster.builder().name("dr").oidcIssuer(TestApps.ISSUER_A).clusterName("dr-west").build());
        }
        VeleroBackup backup = new VeleroBackup(stack, "Velero", VeleroBackupProps.builder().clusters(clusters)
                .identity(identity).build());
        return new Built(stack, backup, TestApps.JSON.valueToTree(Template.fromStack(stack).toJSON()));
    }

    static List<Map.Entry<String, JsonNode>> resources(JsonNode template, String type) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        template.get("Resources").properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                out.add(e);
            }
        });
        return out;
    }

    @Test
    void irsaTrustResolvesThroughCfnJsonToTheClustersOwnProvider() {
        Built built = build(WorkloadIdentity.IRSA, false);
        JsonNode template = built.template();
        // The cluster's own provider and no second one.
        assertThat(resources(template, "AWS::IAM::OIDCProvider")).hasSize(1);
        String provider = resources(template, "AWS::IAM::OIDCProvider").get(0).getKey();
        assertThat(template.at("/Resources/" + provider + "/Properties/Url/Fn::GetAtt/1").asText())
                .isEqualTo("OpenIdConnectIssuerUrl");

        JsonNode role = resources(template, "AWS::IAM::Role").stream()
                .filter(e -> e.getKey().startsWith("VeleroRole")).findFirst().orElseThrow().getValue();
        JsonNode statement = role.at("/Properties/AssumeRolePolicyDocument/Statement/0");
        assertThat(statement.at("/Principal/Federated/Ref").asText()).isEqualTo(provider);
        // The condition is the CfnJson's value, resolved at deploy time.
        String cfnJson = statement.at("/Condition/StringEquals/Fn::GetAtt/0").asText();
        JsonNode json = template.at("/Resources/" + cfnJson);
        assertThat(json.get("Type").asText()).isEqualTo("Custom::AWSCDKCfnJson");

        // With the provider's ARN as a deploy would give it, the value is the IRSA condition of
        // exactly the cluster's service account.
        String issuer = "oidc.eks.us-west-2.amazonaws.com/id/" + ISSUER_ID;
        Map<String, String> values = new HashMap<>(Intrinsics.SAMPLE);
        values.put(provider, "arn:aws:iam::111122223333:oidc-provider/" + issuer);
        JsonNode conditions = TestApps.JSON.valueToTree(readJson(resolveWithSplit(json.at("/Properties/Value"), values)));
        assertThat(conditions.get(issuer + ":sub").asText()).isEqualTo("system:serviceaccount:velero:velero");
        assertThat(conditions.get(issuer + ":aud").asText()).isEqualTo("sts.amazonaws.com");
        assertThat(conditions.size()).isEqualTo(2);

        // The trust evaluator, given the resolved condition: the listed account only.
        com.fasterxml.jackson.databind.node.ObjectNode resolvedTemplate = template.deepCopy();
        String roleId = resources(template, "AWS::IAM::Role").stream()
                .filter(e -> e.getKey().startsWith("VeleroRole")).findFirst().orElseThrow().getKey();
        com.fasterxml.jackson.databind.node.ObjectNode resolved = (com.fasterxml.jackson.databind.node.ObjectNode)
                resolvedTemplate.at("/Resources/" + roleId + "/Properties/AssumeRolePolicyDocument/Statement/0");
        ((com.fasterxml.jackson.databind.node.ObjectNode) resolved.get("Condition")).set("StringEquals", conditions);
        ((com.fasterxml.jackson.databind.node.ObjectNode) resolved.get("Principal")).put("Federated", values.get(provider));
        TrustEvaluator trust = new TrustEvaluator(resolvedTemplate, roleId, "111122223333", "aws");
        assertThat(trust.allows(TrustEvaluator.webIdentity(values.get(provider), "system:serviceaccount:velero:velero",
                "sts.amazonaws.com"))).isTrue();
        assertThat(trust.allows(TrustEvaluator.webIdentity(values.get(provider), "system:serviceaccount:velero:other",
                "sts.amazonaws.com"))).isFalse();
        assertThat(trust.allows(TrustEvaluator.webIdentity(values.get(provider).replace(ISSUER_ID, "0".repeat(32)),
                "system:serviceaccount:velero:velero", "sts.amazonaws.com"))).isFalse();
    }

    @Test
    void podIdentityPinsTheClustersOwnArnWithoutACustomResource() {
        JsonNode template = build(WorkloadIdentity.POD_IDENTITY, false).template();
        assertThat(resources(template, "Custom::AWSCDKCfnJson")).isEmpty();
        assertThat(resources(template, "AWS::IAM::OIDCProvider")).isEmpty();
        String cluster = resources(template, "AWS::EKS::Cluster").get(0).getKey();
        JsonNode association = resources(template, "AWS::EKS::PodIdentityAssociation").get(0).getValue();
        assertThat(association.at("/Properties/ClusterName/Ref").asText()).isEqualTo(cluster);
        JsonNode role = resources(template, "AWS::IAM::Role").stream()
                .filter(e -> e.getKey().startsWith("VeleroRole")).findFirst().orElseThrow().getValue();
        JsonNode tags = role.at("/Properties/AssumeRolePolicyDocument/Statement/0/Condition/StringEquals");
        assertThat(tags.get("aws:RequestTag/eks-cluster-arn").toString())
                .isEqualTo("{\"Fn::GetAtt\":[\"" + cluster + "\",\"Arn\"]}");
    }

    @Test
    void literalAndTokenClustersMix() {
        JsonNode template = build(WorkloadIdentity.BOTH, true).template();
        // The cluster's provider, and one made for the literal issuer.
        assertThat(resources(template, "AWS::IAM::OIDCProvider")).hasSize(2);
        assertThat(resources(template, "Custom::AWSCDKCfnJson")).hasSize(1);
        JsonNode statements = resources(template, "AWS::IAM::Role").stream()
                .filter(e -> e.getKey().startsWith("VeleroRole")).findFirst().orElseThrow().getValue()
                .at("/Properties/AssumeRolePolicyDocument/Statement");
        String literal = TestApps.ISSUER_A.substring("https://".length());
        assertThat(statements.toString()).contains(literal + ":sub");
        assertThat(statements).hasSize(4);
    }

    @Test
    void literalConfigurationsHaveNoCustomResource() {
        Stack stack = new Stack(TestApps.app(Map.of(), null), "Test");
        new VeleroBackup(stack, "Velero", VeleroBackupProps.builder().identity(WorkloadIdentity.BOTH).clusters(List.of(
                EksCluster.builder().name("a").oidcIssuer(TestApps.ISSUER_A).clusterName("a").build(),
                EksCluster.builder().name("b").oidcIssuer(TestApps.ISSUER_B).clusterName("b").build())).build());
        JsonNode template = TestApps.JSON.valueToTree(Template.fromStack(stack).toJSON());
        template.get("Resources").forEach(r -> assertThat(r.get("Type").asText())
                .doesNotStartWith("Custom::").isNotEqualTo(CUSTOM_RESOURCE).isNotEqualTo("AWS::Lambda::Function"));
        assertThat(stack.getNode().tryFindChild("Velero").getNode().tryFindChild("IssuerConditions")).isNull();
    }

    @Test
    void anImportedClusterWithTokenAttributesAndItsProvider() {
        Stack stack = new Stack(TestApps.app(Map.of(), null), "Test");
        CfnParameter name = CfnParameter.Builder.create(stack, "ClusterName").build();
        CfnParameter arn = CfnParameter.Builder.create(stack, "OidcProviderArn").build();
        ICluster imported = Cluster.fromClusterAttributes(stack, "Imported", ClusterAttributes.builder()
                .clusterName(name.getValueAsString())
                .openIdConnectProvider(OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, "Provider",
                        arn.getValueAsString()))
                .build());
        new VeleroBackup(stack, "Velero", VeleroBackupProps.builder().identity(WorkloadIdentity.BOTH)
                .clusters(List.of(EksCluster.fromCluster("prod", imported).namespace("rafay-system").build())).build());
        JsonNode template = TestApps.JSON.valueToTree(Template.fromStack(stack).toJSON());
        assertThat(resources(template, "AWS::IAM::OIDCProvider")).isEmpty();
        JsonNode statements = resources(template, "AWS::IAM::Role").stream()
                .filter(e -> e.getKey().startsWith("VeleroRole")).findFirst().orElseThrow().getValue()
                .at("/Properties/AssumeRolePolicyDocument/Statement");
        assertThat(statements.get(0).at("/Principal/Federated/Ref").asText()).isEqualTo("OidcProviderArn");
        JsonNode association = resources(template, "AWS::EKS::PodIdentityAssociation").get(0).getValue();
        assertThat(association.at("/Properties/ClusterName/Ref").asText()).isEqualTo("ClusterName");
        assertThat(association.at("/Properties/Namespace").asText()).isEqualTo("rafay-system");
    }

    @Test
    void anAwsEksClusterImportedWithTokenAttributes() {
        Stack stack = new Stack(TestApps.app(Map.of(), null), "Test");
        CfnParameter name = CfnParameter.Builder.create(stack, "ClusterName").build();
        CfnParameter arn = CfnParameter.Builder.create(stack, "OidcProviderArn").build();
        software.amazon.awscdk.services.eks.ICluster imported = software.amazon.awscdk.services.eks.Cluster
                .fromClusterAttributes(stack, "Imported", software.amazon.awscdk.services.eks.ClusterAttributes.builder()
                        .clusterName(name.getValueAsString())
                        .openIdConnectProvider(OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, "Provider",
                                arn.getValueAsString()))
                        .build());
        new VeleroBackup(stack, "Velero", VeleroBackupProps.builder().identity(WorkloadIdentity.BOTH)
                .clusters(List.of(EksCluster.fromCluster("prod", imported).build())).build());
        JsonNode template = TestApps.JSON.valueToTree(Template.fromStack(stack).toJSON());
        assertThat(resources(template, "AWS::IAM::OIDCProvider")).isEmpty();
        assertThat(resources(template, "Custom::AWSCDKCfnJson")).hasSize(1);
        JsonNode statements = resources(template, "AWS::IAM::Role").stream()
                .filter(e -> e.getKey().startsWith("VeleroRole")).findFirst().orElseThrow().getValue()
                .at("/Properties/AssumeRolePolicyDocument/Statement");
        assertThat(statements.get(0).at("/Principal/Federated/Ref").asText()).isEqualTo("OidcProviderArn");
        assertThat(resources(template, "AWS::EKS::PodIdentityAssociation").get(0).getValue()
                .at("/Properties/ClusterName/Ref").asText()).isEqualTo("ClusterName");
    }

    @Test
    void anImportedClusterWithoutItsProviderCannotUseIrsa() {
        Stack stack = new Stack(TestApps.app(Map.of(), null), "Test");
        ICluster imported = Cluster.fromClusterAttributes(stack, "Imported", ClusterAttributes.builder()
                .clusterName("prod-west").build());
        assertThatThrownBy(() -> VeleroBackupProps.builder()
                .clusters(List.of(EksCluster.fromCluster("prod", imported).build())).build())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getField()).isEqualTo("clusters[0].oidcIssuer");
                    assertThat(e.getProblem()).contains("has no OIDC provider").contains("POD_IDENTITY");
                });
        // Pod Identity reads no provider.
        assertThat(VeleroBackupProps.builder().identity(WorkloadIdentity.POD_IDENTITY)
                .clusters(List.of(EksCluster.fromCluster("prod", imported).build())).build().getClusters()).hasSize(1);
    }

    @Test
    void tokenIssuersAreCountedAtTheLongestEksIssuer() {
        // Tokens cannot be measured: each token cluster counts as the longest EKS issuer, so the
        // literal limit (4 literal clusters at 2,048) is not passed by token clusters either.
        Stack stack = new Stack(TestApps.app(Map.of(), null), "Test");
        List<EksCluster> clusters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CfnParameter url = CfnParameter.Builder.create(stack, "Issuer" + i).build();
            clusters.add(EksCluster.builder().name("c" + i).oidcIssuer(url.getValueAsString()).build());
        }
        int literalFit = 4; // TrustPolicySizeTest measures it: 4 literal IRSA clusters fit in 2,048
        assertThatThrownBy(() -> new VeleroBackup(stack, "Velero", VeleroBackupProps.builder().clusters(clusters).build()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("the first (\\d+) of these 5 clusters fit")
                            .matcher(e.getProblem());
                    assertThat(m.find()).as(e.getProblem()).isTrue();
                    assertThat(Integer.parseInt(m.group(1))).isBetween(1, literalFit);
                });
        // Nothing was built: the CfnJson of a token issuer comes after the check.
        assertThat(stack.getNode().findAll().stream().filter(c -> c instanceof software.amazon.awscdk.CfnResource))
                .isEmpty();
    }

    /** Reads the CfnJson value: {@code Fn::Join} of strings, {@code Ref}s and {@code Fn::Select} of {@code Fn::Split}. */
    static String resolveWithSplit(JsonNode value, Map<String, String> values) {
        if (value.has("Fn::Select")) {
            int index = value.get("Fn::Select").get(0).asInt();
            JsonNode split = value.get("Fn::Select").get(1).get("Fn::Split");
            return resolveWithSplit(split.get(1), values).split(java.util.regex.Pattern.quote(split.get(0).asText()))[index];
        }
        if (value.has("Fn::Join")) {
            StringBuilder out = new StringBuilder();
            value.get("Fn::Join").get(1).forEach(p -> out.append(resolveWithSplit(p, values)));
            return out.toString();
        }
        return Intrinsics.resolve(value, values::get);
    }

    static Map<?, ?> readJson(String text) {
        try {
            return TestApps.JSON.readValue(text, Map.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
