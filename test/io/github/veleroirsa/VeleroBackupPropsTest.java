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
                .hasMessage("encryptionKey: a key is given while encryption is S3_MANAGED (expected encryption KMS,"
                        + " or no key)");
    }

    @Test
    void failsOnNoClusters() {
        assertThatThrownBy(() -> VeleroBackupProps.builder().build()).hasMessage("clusters: missing (expected a value)");
        assertThatThrownBy(() -> VeleroBackupProps.builder().clusters(List.of()).build())
                .hasMessage("clusters: [] is empty (expected at least one cluster)");
    }

    @Test
    void failsOnDuplicateNames() {
        assertThatThrownBy(() -> VeleroBackupProps.builder()
                .clusters(List.of(cluster("backup", ISSUER_A), cluster("backup", ISSUER_B))).build())
                .hasMessage("clusters[1].name: \"backup\" is the name of clusters[0] too (expected unique cluster names)");
    }

    @Test
    void failsOnDuplicateIssuersEvenWhenSpelledDifferently() {
        assertThatThrownBy(() -> VeleroBackupProps.builder()
                .clusters(List.of(cluster("backup", ISSUER_A), cluster("restore", ISSUER_A.substring(8) + "/"))).build())
                .hasMessage("clusters[1].oidcIssuer: \"" + ISSUER_A.substring(8) + "\" is the issuer of clusters[0]"
                        + " (\"backup\") too (expected one entry per cluster: IAM holds one OIDC provider per issuer)");
    }

    @Test
    void acceptsOneDayAndFailsOnLessOrOnPartDays() {
        assertThat(valid().noncurrentVersionExpiration(Duration.days(1)).build()
                .getNoncurrentVersionExpiration().toDays()).isEqualTo(1);
        assertThatThrownBy(() -> valid().noncurrentVersionExpiration(Duration.hours(23)).build())
                .hasMessage("noncurrentVersionExpiration: 23 hours is not a whole number of days of at least 1"
                        + " (expected 1 day or more, in whole days)");
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
                .hasMessage("bucketName: \"" + "b".repeat(64) + "\" is 64 characters long (expected 3 to 63)");
        assertThatThrownBy(() -> valid().bucketName("bb").build())
                .hasMessage("bucketName: \"bb\" is 2 characters long (expected 3 to 63)");
    }

    @Test
    void failsOnBucketNamesBreakingS3Rules() {
        assertThatThrownBy(() -> valid().bucketName("Velero_Backups").build())
                .hasMessage("bucketName: \"Velero_Backups\" is not a valid S3 bucket name (expected lowercase letters,"
                        + " digits, '.' and '-', starting and ending with a letter or digit)");
        assertThatThrownBy(() -> valid().bucketName("velero..backups").build())
                .hasMessage("bucketName: \"velero..backups\" is not a valid S3 bucket name (expected no '..', '.-'"
                        + " or '-.')");
        assertThatThrownBy(() -> valid().bucketName("192.168.1.10").build())
                .hasMessage("bucketName: \"192.168.1.10\" is formatted as an IP address (expected a bucket name that"
                        + " is not)");
        assertThatThrownBy(() -> valid().bucketName("xn--velero").build())
                .hasMessage("bucketName: \"xn--velero\" starts with the reserved prefix \"xn--\" (expected a name"
                        + " without it)");
        assertThatThrownBy(() -> valid().bucketName("velero-s3alias").build())
                .hasMessage("bucketName: \"velero-s3alias\" ends with the reserved suffix \"-s3alias\" (expected a"
                        + " name without it)");
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
