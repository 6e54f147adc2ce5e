package io.github.veleroirsa;

import static io.github.veleroirsa.TestApps.ISSUER_A;
import static io.github.veleroirsa.TestApps.ISSUER_B;
import static io.github.veleroirsa.TestApps.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;

class VeleroBackupPropsTest {
    private static VeleroBackupProps.Builder valid() {
        return VeleroBackupProps.builder().clusters(List.of(cluster("backup", ISSUER_A)));
    }

    @Test
    void defaultsAreS3ManagedThirtyDaysAndRetain() {
        VeleroBackupProps p = valid().build();
        assertThat(p.getEncryption()).isEqualTo(BackupEncryption.S3_MANAGED);
        assertThat(p.getEncryptionKey()).isNull();
        assertThat(p.getNoncurrentVersionExpiration().toDays()).isEqualTo(30);
        assertThat(p.getRemovalPolicy()).isEqualTo(RemovalPolicy.RETAIN);
        assertThat(p.getBucketName()).isNull();
    }

    @Test
    void clustersAreCopied() {
        List<EksCluster> given = new ArrayList<>(List.of(cluster("backup", ISSUER_A)));
        VeleroBackupProps p = VeleroBackupProps.builder().clusters(given).build();
        given.add(cluster("restore", ISSUER_B));
        assertThat(p.getClusters()).hasSize(1);
    }

    @Test
    void anEncryptionKeyImpliesKms() {
        IKey key = Key.fromKeyArn(new software.amazon.awscdk.Stack(), "K",
                "arn:aws:kms:us-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assertThat(valid().encryptionKey(key).build().getEncryption()).isEqualTo(BackupEncryption.KMS);
        assertThatThrownBy(() -> valid().encryptionKey(key).encryption(BackupEncryption.S3_MANAGED).build())
                .hasMessageStartingWith("encryptionKey: a key is given while encryption is S3_MANAGED");
    }

    @Test
    void failsOnNoClusters() {
        assertThatThrownBy(() -> VeleroBackupProps.builder().build()).hasMessageStartingWith("clusters: missing");
        assertThatThrownBy(() -> VeleroBackupProps.builder().clusters(List.of()).build())
                .hasMessageStartingWith("clusters: [] is empty");
    }

    @Test
    void failsOnDuplicateNames() {
        assertThatThrownBy(() -> VeleroBackupProps.builder()
                .clusters(List.of(cluster("backup", ISSUER_A), cluster("backup", ISSUER_B))).build())
                .hasMessageStartingWith("clusters[1].name: \"backup\" is the name of clusters[0] too");
    }

    @Test
    void failsOnDuplicateIssuersEvenWhenSpelledDifferently() {
        assertThatThrownBy(() -> VeleroBackupProps.builder()
                .clusters(List.of(cluster("backup", ISSUER_A), cluster("restore", ISSUER_A.substring(8) + "/"))).build())
                .hasMessageStartingWith("clusters[1].oidcIssuer: \"" + ISSUER_A.substring(8) + "\" is the issuer of clusters[0]"
                        + " (\"backup\") too");
    }

    @Test
    void acceptsOneDayAndFailsOnLessOrOnPartDays() {
        assertThat(valid().noncurrentVersionExpiration(Duration.days(1)).build()
                .getNoncurrentVersionExpiration().toDays()).isEqualTo(1);
        assertThatThrownBy(() -> valid().noncurrentVersionExpiration(Duration.hours(23)).build())
                .hasMessageStartingWith("noncurrentVersionExpiration: 23 hours is not a whole number of days of at least 1"
                        + "");
        assertThatThrownBy(() -> valid().noncurrentVersionExpiration(Duration.hours(36)).build())
                .hasMessageStartingWith("noncurrentVersionExpiration: 1 day 12 hours is not a whole number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "acme-velero-backups", "acme.velero.backups", "1-2"})
    void acceptsValidBucketNames(String name) {
        assertThat(valid().bucketName(name).build().getBucketName()).isEqualTo(name);
    }

    @Test
    void acceptsA63CharacterBucketNameAndFailsOn64And2() {
        assertThat(valid().bucketName("b".repeat(63)).build().getBucketName()).hasSize(63);
        assertThatThrownBy(() -> valid().bucketName("b".repeat(64)).build())
                .hasMessageStartingWith("bucketName: \"" + "b".repeat(64) + "\" is 64 characters long");
        assertThatThrownBy(() -> valid().bucketName("bb").build())
                .hasMessageStartingWith("bucketName: \"bb\" is 2 characters long");
    }

    @Test
    void failsOnBucketNamesBreakingS3Rules() {
        assertThatThrownBy(() -> valid().bucketName("Velero_Backups").build())
                .hasMessageStartingWith("bucketName: \"Velero_Backups\" is not a valid S3 bucket name");
        assertThatThrownBy(() -> valid().bucketName("velero..backups").build())
                .hasMessageStartingWith("bucketName: \"velero..backups\" is not a valid S3 bucket name");
        assertThatThrownBy(() -> valid().bucketName("192.168.1.10").build())
                .hasMessageStartingWith("bucketName: \"192.168.1.10\" is formatted as an IP address");
        assertThatThrownBy(() -> valid().bucketName("xn--velero").build())
                .hasMessageStartingWith("bucketName: \"xn--velero\" starts with the reserved prefix \"xn--\"");
        assertThatThrownBy(() -> valid().bucketName("velero-s3alias").build())
                .hasMessageStartingWith("bucketName: \"velero-s3alias\" ends with the reserved suffix \"-s3alias\"");
    }

    @Test
    void aBadClusterFailsWhereItIsBuiltNamingTheClusterAndTheField() {
        EksCluster.Builder bad = EksCluster.builder().name("restore")
                .oidcIssuer("http://oidc.eks.us-west-1.amazonaws.com/id/B0000000000000000000000000000000");
        assertThatThrownBy(bad::build).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getSubject()).isEqualTo("cluster \"restore\"");
            assertThat(e.getField()).isEqualTo("oidcIssuer");
            assertThat(e.getMessage()).startsWith("cluster \"restore\": oidcIssuer: \"http://");
        });
    }
}
