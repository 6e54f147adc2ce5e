package io.github.veleroirsa;

import static io.github.veleroirsa.TestApps.ISSUER_A;
import static io.github.veleroirsa.TestApps.ISSUER_B;
import static io.github.veleroirsa.TestApps.ISSUER_C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules of prefixes and sources: what a cluster may name, what two clusters may not share,
 * and where a restore cannot work. What each role may then do is PolicyEvaluationTest's.
 */
class IsolationRulesTest {
    static EksCluster.Builder a() {
        return EksCluster.builder().name("backup").oidcIssuer(ISSUER_A);
    }

    static EksCluster.Builder b() {
        return EksCluster.builder().name("restore").oidcIssuer(ISSUER_B);
    }

    static VeleroBackupProps props(EksCluster... clusters) {
        return VeleroBackupProps.builder().clusters(List.of(clusters)).roleLayout(RoleLayout.PER_CLUSTER).build();
    }

    @Test
    void aPrefixIsPlainSegmentsWithoutWildcardsOrPolicyVariables() {
        assertThat(a().prefix("team-a/prod_1.eu").build().getPrefix()).isEqualTo("team-a/prod_1.eu");
        assertThat(a().build().getPrefix()).as("by default, the cluster's name").isEqualTo("backup");
        for (String bad : List.of("a*", "a?b", "${aws:username}", "/a", "a/", "a//b", "a/../b", ".", "a b", "x".repeat(257))) {
            assertThatThrownBy(() -> a().prefix(bad).build()).as(bad).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("cluster \"backup\": prefix: ").hasMessageContaining("is not a valid prefix");
        }
    }

    @Test
    void noTwoClustersShareAPrefixOrHoldOneInsideTheOther() {
        assertThatThrownBy(() -> props(a().prefix("fleet").build(), b().prefix("fleet").build()))
                .hasMessageStartingWith("clusters[").hasMessageContaining("\"fleet\" is the prefix of cluster");
        assertThatThrownBy(() -> props(a().prefix("fleet").build(), b().prefix("fleet/restore").build()))
                .hasMessageStartingWith("clusters[1].prefix: \"fleet/restore\" is inside the prefix of cluster \"backup\"");
        // Sorted with a '/' after each, a prefix between them does not hide the nesting.
        assertThatThrownBy(() -> props(a().prefix("a").build(), b().prefix("a/b").build(),
                EksCluster.builder().name("c").oidcIssuer(ISSUER_C).prefix("a-c").build()))
                .hasMessageContaining("is inside the prefix of cluster \"backup\"");
        // Only a prefix: "fleet-2" begins like "fleet" and is another one.
        assertThat(props(a().prefix("fleet").build(), b().prefix("fleet-2").build()).getClusters()).hasSize(2);
    }

    @Test
    void aSourceIsAnotherClusterThatBacksUp() {
        assertThatThrownBy(() -> props(a().build(), b().restoresFrom(List.of("nowhere")).build()))
                .hasMessageStartingWith("clusters[1].restoresFrom[0]: \"nowhere\" is not one of the clusters");
        assertThatThrownBy(() -> b().restoresFrom(List.of("restore")).build())
                .hasMessageStartingWith("cluster \"restore\": restoresFrom[0]: \"restore\" is this cluster itself");
        assertThatThrownBy(() -> b().restoresFrom(List.of("backup", "backup")).build())
                .hasMessageContaining("restoresFrom[1]: \"backup\" is listed twice");
        EksCluster dr = EksCluster.builder().name("dr").oidcIssuer(ISSUER_C).restoresFrom(List.of("backup"))
                .restoreOnly(true).build();
        assertThatThrownBy(() -> props(a().build(), dr, b().restoresFrom(List.of("dr")).build()))
                .hasMessageStartingWith("clusters[2].restoresFrom[0]: \"dr\" is a restore-only cluster");
    }

    @Test
    void aRestoreOnlyClusterHasSourcesNoPrefixAndNoRoleWithABackingUpCluster() {
        assertThatThrownBy(() -> b().restoreOnly(true).build())
                .hasMessageStartingWith("cluster \"restore\": restoreOnly: true, with no restoresFrom");
        assertThatThrownBy(() -> b().restoreOnly(true).prefix("r").restoresFrom(List.of("backup")).build())
                .hasMessageStartingWith("cluster \"restore\": prefix: \"r\" is set for a restore-only cluster");
        EksCluster restoreOnly = b().restoresFrom(List.of("backup")).restoreOnly(true).build();
        assertThatThrownBy(() -> VeleroBackupProps.builder().clusters(List.of(a().build(), restoreOnly)).build())
                .hasMessageStartingWith("clusters[1].restoreOnly: cluster \"restore\" shares role \"(shared)\" with"
                        + " cluster \"backup\", which backs up");
    }

    @Test
    void sharedIsolationTakesNoPrefixesAndNoSources() {
        for (EksCluster c : List.of(b().prefix("p").build(), b().restoresFrom(List.of("backup")).build())) {
            assertThatThrownBy(() -> VeleroBackupProps.builder().clusters(List.of(a().build(), c))
                    .isolation(Isolation.SHARED).build())
                    .hasMessageStartingWith("clusters[1].").hasMessageContaining("is set while isolation is SHARED");
        }
    }

    @Test
    void aSourcesLocationNameIsAKubernetesNameOfItsOwn() {
        EksCluster upper = EksCluster.builder().name("Prod_West").oidcIssuer(ISSUER_A).build();
        EksCluster lower = EksCluster.builder().name("prod-west").oidcIssuer(ISSUER_C).build();
        assertThat(VeleroBackupProps.locationName("Prod_West")).isEqualTo("prod-west");
        assertThatThrownBy(() -> props(upper, lower, b().restoresFrom(List.of("Prod_West", "prod-west")).build()))
                .hasMessageStartingWith("clusters[2].restoresFrom[1]: \"prod-west\" would be the backup storage"
                        + " location \"prod-west\"");
        EksCluster named = EksCluster.builder().name("default").oidcIssuer(ISSUER_C).build();
        assertThatThrownBy(() -> props(named, b().restoresFrom(List.of("default")).build()))
                .hasMessageContaining("would be the backup storage location \"default\"");
    }

    @Test
    void aRestoreInAnotherRegionNeedsTheVolumesDataInTheBucket() {
        EksCluster eu = EksCluster.builder().name("eu").oidcIssuer(ISSUER_C).restoresFrom(List.of("backup")).build();
        assertThatThrownBy(() -> TestApps.construct(props(a().build(), eu)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("clusters[1].restoresFrom[0]: cluster \"eu\" in eu-central-1 restores from"
                        + " cluster \"backup\" in us-west-1, whose volumes are backed up as EBS snapshots")
                .hasMessageContaining("ebsSnapshots false").hasMessageContaining("snapshotMoveData true");
        // Either way out synthesizes.
        TestApps.construct(VeleroBackupProps.builder().clusters(List.of(a().build(), eu))
                .roleLayout(RoleLayout.PER_CLUSTER).snapshotMoveData(true).build());
        TestApps.construct(VeleroBackupProps.builder().clusters(List.of(a().build(), eu))
                .roleLayout(RoleLayout.PER_CLUSTER).ebsSnapshots(false).build());
    }

    @Test
    void theSharedPolicyStaysWithinIamsLimitForAManagedPolicy() {
        // Only the EBS keys' list grows the shared policy: each key is named in two statements.
        java.util.function.IntFunction<VeleroBackupProps> withKeys = n -> {
            software.amazon.awscdk.Stack scope = new software.amazon.awscdk.Stack(TestApps.app(java.util.Map.of(), null), "Keys");
            List<software.amazon.awscdk.services.kms.IKey> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                keys.add(software.amazon.awscdk.services.kms.Key.fromKeyArn(scope, "K" + i, String.format(
                        "arn:aws:kms:us-west-1:111122223333:key/%08d-0000-0000-0000-000000000000", i)));
            }
            return VeleroBackupProps.builder().clusters(List.of(a().build())).ebsKmsKeys(keys).build();
        };
        TestApps.construct(withKeys.apply(20));
        assertThatThrownBy(() -> TestApps.construct(withKeys.apply(60)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("ebsKmsKeys: 60 keys make the shared policy ")
                .hasMessageContaining("over IAM's limit of 6144 for a managed policy");
    }

    @Test
    void aRolesBucketPolicyStaysWithinIamsLimitForInlinePolicies() {
        // Clusters with the longest names on one role, at a raised trust limit: the role's
        // prefixes, counted with the bucket's name at its longest, pass IAM's 10,240.
        List<EksCluster> clusters = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            clusters.add(EksCluster.builder().name(String.format("%03d", i) + "x".repeat(97))
                    .oidcIssuer(String.format("oidc.eks.us-east-1.amazonaws.com/id/%032X", i + 1)).build());
        }
        assertThatThrownBy(() -> TestApps.construct(VeleroBackupProps.builder().clusters(clusters)
                .maxTrustPolicyLength(8192).build()))
                .hasMessageStartingWith("clusters: the role's bucket policy (its prefixes and sources) would be")
                .hasMessageContaining("over IAM's limit of 10240");
        // Ten of them fit.
        TestApps.construct(VeleroBackupProps.builder().clusters(clusters.subList(0, 10)).maxTrustPolicyLength(8192).build());
    }
}
