package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Roles for groups of clusters: the shared role ({@code Role}), named roles ({@code Roles/<name>})
 * and one role per cluster. Each cluster may assume its own role and no other.
 */
class FleetTest {
    static final String ACCOUNT = "111122223333";

    /** An EKS issuer for the i-th cluster of a fleet, in one of three regions. */
    static String issuer(int i) {
        String region = List.of("us-east-1", "us-west-2", "eu-central-1").get(i % 3);
        return String.format("https://oidc.eks.%s.amazonaws.com/id/%032X", region, 0xF1EE7L + i);
    }

    static EksCluster irsa(String name, int i, String role) {
        return EksCluster.builder().name(name).oidcIssuer(issuer(i)).role(role).build();
    }

    /** Two clusters on the shared role, two on "nonprod", one on "dr". */
    static final List<EksCluster> MIXED = List.of(irsa("prod-a", 1, null), irsa("prod-b", 2, null),
            irsa("staging", 3, "nonprod"), irsa("dev", 4, "nonprod"), irsa("dr", 5, "dr"));

    static Template mixed;
    static JsonNode mixedJson;
    static VeleroBackup mixedBackup;
    static Template perCluster;
    static JsonNode perClusterJson;
    static VeleroBackup perClusterBackup;
    static List<EksCluster> perClusterClusters = new ArrayList<>();

    @BeforeAll
    static void synthesize() {
        mixed = TestApps.construct(stack -> mixedBackup = new VeleroBackup(stack, "Velero",
                VeleroBackupProps.builder().clusters(MIXED).build()));
        mixedJson = TestApps.json(mixed);
        for (int i = 0; i < 12; i++) {
            perClusterClusters.add(irsa("c" + i, 100 + i, null));
        }
        perCluster = TestApps.construct(stack -> perClusterBackup = build(stack, VeleroBackupProps.builder()
                .clusters(perClusterClusters).roleLayout(RoleLayout.PER_CLUSTER).build()));
        perClusterJson = TestApps.json(perCluster);
    }

    /** The logical ID of every role, by construct path below the construct ({@code Role}, {@code Roles/<name>}). */
    static Map<String, String> rolesByPath(VeleroBackup backup) {
        Map<String, String> out = new HashMap<>();
        backup.getRoles().forEach((name, role) -> out.put(name.equals(VeleroBackupProps.DEFAULT_ROLE) ? "Role" : "Roles/" + name,
                Stack.of(backup).getLogicalId((CfnElement) role.getNode().getDefaultChild())));
        return out;
    }

    static VeleroBackup build(Stack stack, VeleroBackupProps props) {
        return new VeleroBackup(stack, "Velero", props);
    }

    static String providerArn(EksCluster c) {
        return "arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + c.getOidcIssuer();
    }

    static void assertEachClusterOnItsOwnRoleOnly(VeleroBackup backup, JsonNode template, List<EksCluster> clusters,
            Map<String, String> roleOfCluster) {
        Map<String, String> roles = rolesByPath(backup);
        for (EksCluster c : clusters) {
            for (Map.Entry<String, String> role : roles.entrySet()) {
                boolean allowed = new TrustEvaluator(template, role.getValue(), ACCOUNT, "aws").allows(
                        TrustEvaluator.webIdentity(providerArn(c), c.getSubject(), VeleroPermissions.STS_AUDIENCE));
                assertThat(allowed).as("%s on %s", c.getName(), role.getKey())
                        .isEqualTo(role.getKey().equals(roleOfCluster.get(c.getName())));
            }
        }
    }

    @Test
    void namedRolesLiveUnderRolesAndTheSharedRoleKeepsItsId() {
        assertThat(rolesByPath(mixedBackup).keySet()).containsExactlyInAnyOrder("Role", "Roles/nonprod", "Roles/dr");
        assertThat(mixedBackup.getRoles().keySet()).containsExactly(VeleroBackupProps.DEFAULT_ROLE, "dr", "nonprod");
        assertThat(mixedBackup.getRole()).isSameAs(mixedBackup.getRoles().get(VeleroBackupProps.DEFAULT_ROLE));
        assertThat(mixedBackup.getRoleFor("dev")).isSameAs(mixedBackup.getRoles().get("nonprod"));
        assertThatThrownBy(() -> mixedBackup.getRoleFor("nope")).hasMessageContaining("\"nope\" is not a cluster");
    }

    @Test
    void inAMixedLayoutEachClusterMayAssumeItsOwnRoleAndNoOther() {
        assertEachClusterOnItsOwnRoleOnly(mixedBackup, mixedJson, MIXED, Map.of("prod-a", "Role", "prod-b", "Role",
                "staging", "Roles/nonprod", "dev", "Roles/nonprod", "dr", "Roles/dr"));
    }

    @Test
    void perClusterEveryClusterHasARoleOfItsOwnTrustingItAlone() {
        assertThat(rolesByPath(perClusterBackup)).hasSize(12).doesNotContainKey("Role");
        assertEachClusterOnItsOwnRoleOnly(perClusterBackup, perClusterJson, perClusterClusters, perClusterClusters.stream()
                .collect(Collectors.toMap(EksCluster::getName, c -> "Roles/" + c.getName())));
    }

    @Test
    void everyRoleHasTheOnePolicyAndTheRoleControls() {
        Template t = TestApps.construct(stack -> build(stack, VeleroBackupProps.builder().clusters(MIXED)
                .rolePath("/velero/").maxSessionDuration(software.amazon.awscdk.Duration.hours(2)).roleName("velero")
                .permissionsBoundary(software.amazon.awscdk.services.iam.ManagedPolicy.fromManagedPolicyArn(stack,
                        "Boundary", "arn:aws:iam::111122223333:policy/boundary"))
                .tags(Map.of("team", "platform")).build()));
        // The policy every role shares and, as every cluster here backs up, the snapshot policy.
        List<JsonNode> policies = t.findResources("AWS::IAM::ManagedPolicy").keySet().stream().sorted()
                .map(id -> TestApps.parse("{'Ref':'" + id + "'}")).toList();
        assertThat(policies).hasSize(2);
        Map<String, Map<String, Object>> roles = t.findResources("AWS::IAM::Role");
        assertThat(roles).hasSize(3);
        List<String> names = new ArrayList<>();
        for (Map<String, Object> role : roles.values()) {
            JsonNode p = TestApps.JSON.valueToTree(role.get("Properties"));
            assertThat(p.get("ManagedPolicyArns")).containsExactlyInAnyOrderElementsOf(policies);
            assertThat(p.get("Path").asText()).isEqualTo("/velero/");
            assertThat(p.get("MaxSessionDuration").asInt()).isEqualTo(7200);
            assertThat(p.get("PermissionsBoundary").asText()).endsWith(":policy/boundary");
            assertThat(p.get("Tags").toString()).contains("\"team\"");
            names.add(p.get("RoleName").asText());
        }
        // A fixed roleName is a prefix once there are several roles.
        assertThat(names).containsExactlyInAnyOrder("velero", "velero-nonprod", "velero-dr");
    }

    @Test
    void failsWhenRoleNameAndARoleMakeANameLongerThanIam() {
        List<EksCluster> sharedAndDr = List.of(MIXED.get(0), MIXED.get(4));
        VeleroBackupProps.builder().clusters(sharedAndDr).roleName("r".repeat(61)).build(); // "<61>-dr": 64, the most
        assertThatThrownBy(() -> VeleroBackupProps.builder().clusters(sharedAndDr).roleName("r".repeat(62)).build())
                .hasMessageStartingWith("roleName: \"" + "r".repeat(62) + "\" names the role \"dr\"")
                .hasMessageContaining("65 characters (expected at most 64");
    }

    @Test
    void movingAClusterChangesOnlyTheRolesItLeavesAndJoins() {
        List<EksCluster> moved = new ArrayList<>(MIXED);
        moved.set(0, irsa("prod-a", 1, "dr")); // prod-a leaves the shared role for "dr"
        JsonNode after = TestApps.json(TestApps.construct(VeleroBackupProps.builder().clusters(moved).build()));
        Map<String, String> roles = rolesByPath(mixedBackup);
        for (Iterator<String> it = mixedJson.get("Resources").fieldNames(); it.hasNext(); ) {
            String id = it.next();
            boolean touched = id.equals(roles.get("Role")) || id.equals(roles.get("Roles/dr"));
            assertThat(after.at("/Resources/" + id).equals(mixedJson.at("/Resources/" + id)))
                    .as("%s unchanged", id).isEqualTo(!touched);
        }
        assertThat(after.get("Resources").size()).isEqualTo(mixedJson.get("Resources").size());
    }

    @Test
    void failsNamingTheRoleAndItsClustersWhenOneRoleTrustsTooMany() {
        List<EksCluster> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(irsa("big-" + i, 200 + i, "big"));
        }
        five.add(irsa("small", 300, null));
        assertThatThrownBy(() -> TestApps.construct(VeleroBackupProps.builder().clusters(five).build()))
                .hasMessageStartingWith("clusters: role \"big\"'s trust policy would be ")
                .hasMessageContaining("the first 4 of these 5 clusters fit: big-0, big-1, big-2, big-3, big-4")
                .hasMessageContaining("clusters[].role names a role per group, or roles PER_CLUSTER");
    }

    @Test
    void eachRolesTrustIsMeasuredAloneWhenAllAreCheckedTogether() {
        // Three roles in one check: a role before "big" and one after it. The size reported for
        // "big" is its own trust's, as measured here from a template built with the limit out of
        // the way: not its neighbours', not the whole fleet's.
        List<EksCluster> clusters = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            clusters.add(irsa("big-" + i, 600 + i, "big"));
        }
        clusters.add(irsa("alpha", 620, "a-first"));
        clusters.add(irsa("zulu", 621, "z-last"));
        clusters.add(irsa("shared", 622, null));
        VeleroBackup[] roomy = new VeleroBackup[1];
        JsonNode template = TestApps.json(TestApps.construct(stack -> roomy[0] = build(stack,
                VeleroBackupProps.builder().clusters(clusters).maxTrustPolicyLength(8192).build())));
        Map<String, Integer> sizes = new HashMap<>();
        rolesByPath(roomy[0]).forEach((path, id) ->
                sizes.put(path, TrustPolicySizeTest.oracleSize(template.at("/Resources/" + id))));
        assertThat(sizes.get("Roles/big")).isGreaterThan(2048);
        assertThat(sizes.get("Roles/a-first")).isLessThan(2048);

        int limit = sizes.get("Roles/big") - 1;
        assertThatThrownBy(() -> TestApps.construct(VeleroBackupProps.builder().clusters(clusters)
                .maxTrustPolicyLength(limit).build()))
                .hasMessageStartingWith("clusters: role \"big\"'s trust policy would be " + sizes.get("Roles/big")
                        + " characters, over the limit of " + limit)
                .hasMessageContaining("the first 6 of these 7 clusters fit");
        // At exactly its size every role fits.
        TestApps.construct(VeleroBackupProps.builder().clusters(clusters).maxTrustPolicyLength(limit + 1).build());
    }

    @Test
    void theStatementCountOfEachRoleIsTheOneItsTrustHasAsBuilt() {
        // The later-trust check treats a role whose statement count differs from the one kept in
        // Java as grown afterwards: that count must be aws-cdk-lib's, for every kind of principal.
        EksCluster twoNamespaces = EksCluster.builder().name("both").clusterName("eks-both")
                .oidcIssuer(issuer(700))
                .serviceAccounts(List.of(new ServiceAccount("velero", "velero"), new ServiceAccount("backup", "velero")))
                .build();
        EksCluster plain = EksCluster.builder().name("plain").clusterName("eks-plain").oidcIssuer(issuer(701))
                .role("other").build();
        for (WorkloadIdentity identity : WorkloadIdentity.values()) {
            for (boolean pinned : List.of(true, false)) {
                VeleroBackupProps props = VeleroBackupProps.builder().identity(identity).podIdentityPinning(pinned)
                        .clusters(List.of(twoNamespaces, plain)).build();
                VeleroBackup[] backup = new VeleroBackup[1];
                TestApps.construct(stack -> backup[0] = build(stack, props));
                props.getClustersByRole().forEach((name, members) -> {
                    Map<String, String> providers = new java.util.HashMap<>();
                    Map<String, String> clusters = new java.util.HashMap<>();
                    members.forEach(c -> {
                        providers.put(c.getName(), "arn:aws:iam::1:oidc-provider/x");
                        clusters.put(c.getName(), "arn:aws:eks:us-east-1:1:cluster/x");
                    });
                    TrustedRole trusted = new TrustedRole(name, members, props, providers, clusters);
                    int built = ((software.amazon.awscdk.services.iam.Role) backup[0].getRoles().get(name))
                            .getAssumeRolePolicy().getStatementCount().intValue();
                    assertThat(trusted.statementCount()).as("%s, pinned %s, role %s", identity, pinned, name)
                            .isEqualTo(built).isPositive();
                });
            }
        }
    }

    @Test
    void podIdentityAssociationsUseTheirClustersRole() {
        VeleroBackup[] backup = new VeleroBackup[1];
        Template t = TestApps.construct(stack -> backup[0] = build(stack, VeleroBackupProps.builder()
                .identity(WorkloadIdentity.POD_IDENTITY).roleLayout(RoleLayout.PER_CLUSTER)
                .clusters(List.of(EksCluster.builder().name("a").clusterName("eks-a").build(),
                        EksCluster.builder().name("b").clusterName("eks-b").build()))
                .build()));
        Map<String, String> roles = rolesByPath(backup[0]);
        t.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Map.of("ClusterName", "eks-a",
                "RoleArn", Map.of("Fn::GetAtt", List.of(roles.get("Roles/a"), "Arn"))));
        t.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Map.of("ClusterName", "eks-b",
                "RoleArn", Map.of("Fn::GetAtt", List.of(roles.get("Roles/b"), "Arn"))));
    }

    @Test
    void moreOidcProvidersThanIamsDefaultQuotaGetAWarning() {
        List<EksCluster> many = new ArrayList<>();
        for (int i = 0; i < VeleroBackup.OIDC_PROVIDER_QUOTA + 1; i++) {
            many.add(irsa("c" + i, 400 + i, null));
        }
        Stack[] stack = new Stack[1];
        TestApps.construct(s -> {
            stack[0] = s;
            new VeleroBackup(s, "Velero", VeleroBackupProps.builder().clusters(many).roleLayout(RoleLayout.PER_CLUSTER)
                    .build());
        });
        Annotations.fromStack(stack[0]).hasWarning("/Test/Velero",
                Match.stringLikeRegexp(".*creates 101 OIDC providers; IAM's default quota is 100 per account.*"));
        // At the quota itself, no warning.
        Stack[] atQuota = new Stack[1];
        TestApps.construct(s -> {
            atQuota[0] = s;
            new VeleroBackup(s, "Velero", VeleroBackupProps.builder().clusters(many.subList(0, 100))
                    .roleLayout(RoleLayout.PER_CLUSTER).build());
        });
        Annotations.fromStack(atQuota[0]).hasNoWarning("/Test/Velero", Match.anyValue());
    }

    @Test
    void wiringIsOnlyForTheConstructsOwnClustersAndAClusterWithoutIssuerHasNoIssuerUrl() {
        assertThatThrownBy(() -> mixedBackup.wiring(irsa("stranger", 99, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not one of this VeleroBackup's clusters");
        assertThat(mixedBackup.wiring(MIXED.get(2)).namespace()).isEqualTo("velero");
        assertThat(EksCluster.builder().name("pod-identity-only").clusterName("eks").build().getOidcIssuerUrl()).isNull();
    }
}
