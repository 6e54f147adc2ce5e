package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.veleroirsa.PolicyEvaluator;
import io.github.veleroirsa.PolicyEvaluator.Request;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * scripts/check-change.sh, with the real CDK CLI's {@code cdk diff --template}, on pairs of
 * configurations: each change that would strand a backup or an identity fails naming the
 * resource and the field, and passes once the configuration acknowledges it in so many words.
 */
class ChangeCheckTest {
    static final String ISSUER_A = "https://oidc.eks.us-west-2.amazonaws.com/id/A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1";
    static final String ISSUER_B = "https://oidc.eks.us-west-2.amazonaws.com/id/B2B2B2B2B2B2B2B2B2B2B2B2B2B2B2B2";
    static final String KEY_A = "arn:aws:kms:us-west-2:111122223333:key/11111111-1111-1111-1111-111111111111";
    static final String KEY_B = "arn:aws:kms:us-west-2:111122223333:key/22222222-2222-2222-2222-222222222222";

    /** Two clusters of one stack, with {@code more} at the top level. */
    static String config(String more) {
        return "{" + more + "\"clusters\": [{\"name\": \"backup\", \"oidcIssuer\": \"" + ISSUER_A + "\"},"
                + " {\"name\": \"restore\", \"oidcIssuer\": \"" + ISSUER_B + "\"}]}";
    }

    record Result(int status, String out) {}

    /** The app run as the CDK CLI runs it, with the construct paths in the template (aws:cdk:path). */
    static AppRun run(String json) {
        return AppRun.of(Map.of(ConfigLoader.CONTEXT_KEY, json, "aws:cdk:enable-path-metadata", true), null, null);
    }

    /** The CDK CLI of .ci/run, found once: started by node itself, without npx's resolution on every diff. */
    static String cli;

    static synchronized String cli() throws IOException, InterruptedException {
        if (cli == null) {
            Process p = new ProcessBuilder("bash", "-c", "v=$(sed -n 's/^CDK=\"npx --yes aws-cdk@\\([0-9.]*\\)\"$/\\1/p'"
                    + " .ci/run) && npx --yes -p aws-cdk@$v sh -c 'command -v cdk'").start();
            String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor()).as("the CDK CLI is found").isZero();
            cli = "node " + path;
        }
        return cli;
    }

    static Result check(AppRun before, AppRun after) throws IOException, InterruptedException {
        return start(before, after).get();
    }

    /** A check run in the background (each is CLI diffs, processes of their own): synthesis stays in this thread. */
    interface Running {
        Result get() throws IOException, InterruptedException;
    }

    static Running start(AppRun before, AppRun after) throws IOException, InterruptedException {
        assertThat(before.status()).as(before.err()).isZero();
        assertThat(after.status()).as(after.err()).isZero();
        ProcessBuilder b = new ProcessBuilder("bash", "scripts/check-change.sh", "--against", before.outdir().toString(),
                "--assembly", after.outdir().toString()).redirectErrorStream(true);
        b.environment().put("CDK", cli());
        Path log = Files.createTempFile("check-change", ".out");
        Process p = b.redirectOutput(log.toFile()).start();
        return () -> {
            int status = p.waitFor();
            return new Result(status, Files.readString(log));
        };
    }

    /** The configuration with these changes acknowledged. */
    static String acknowledging(String config, List<String> acks) throws IOException {
        ObjectNode c = (ObjectNode) TestApps.JSON.readTree(config);
        ArrayNode list = c.putArray("acknowledgedChanges");
        acks.forEach(list::add);
        return c.toString();
    }

    static Stream<Arguments> changes() {
        String pod = "\"identity\": \"POD_IDENTITY\", \"clusters\": [{\"name\": \"backup\", \"clusterName\": \"backup\","
                + " \"region\": \"us-west-2\"}, {\"name\": \"restore\", \"clusterName\": \"restore\", \"region\": \"us-west-2\"}]}";
        return Stream.of(
            Arguments.of("a new bucketName", config("\"bucketName\": \"velero-old-1\", "), config("\"bucketName\": \"velero-new-2\", "),
                List.of("replace VeleroBackup/Velero/Bucket", "replace VeleroBackup/Velero/Bucket/Policy"), "caused by bucketName"),
            Arguments.of("KMS to SSE-S3", config("\"encryption\": \"KMS\", "), config(""),
                List.of("remove VeleroBackup/Velero/Key", "remove VeleroBackup/Decrypt/Velero/Key"), "caused by encryption"),
            Arguments.of("one kmsKeyArn to another", config("\"kmsKeyArn\": \"" + KEY_A + "\", "),
                config("\"kmsKeyArn\": \"" + KEY_B + "\", "), List.of("remove VeleroBackup/Decrypt/" + KEY_A), "formerKmsKeyArns"),
            Arguments.of("roles SHARED to PER_CLUSTER", config(""), config("\"roles\": \"PER_CLUSTER\", "),
                List.of("remove VeleroBackup/Velero/Role"), "caused by roles"),
            Arguments.of("a new roleName", config("\"roleName\": \"velero-a\", "), config("\"roleName\": \"velero-b\", "),
                List.of("replace VeleroBackup/Velero/Role"), "caused by roleName"),
            Arguments.of("a new rolePath", config("\"roleName\": \"velero-a\", "), config("\"roleName\": \"velero-a\", \"rolePath\": \"/backup/\", "),
                List.of("replace VeleroBackup/Velero/Role"), "caused by rolePath"),
            Arguments.of("moving to an existing bucket", config(""), config("\"existingBucketName\": \"my-backups\", "),
                List.of("remove VeleroBackup/Velero/Bucket", "remove VeleroBackup/Velero/Bucket/Policy"), "existingBucketName"),
            Arguments.of("a cluster dropped", config("\"roles\": \"PER_CLUSTER\", "),
                "{\"roles\": \"PER_CLUSTER\", \"clusters\": [{\"name\": \"backup\", \"oidcIssuer\": \"" + ISSUER_A + "\"}]}",
                List.of("remove VeleroBackup/Velero/OidcProviders/restore", "remove VeleroBackup/Velero/Roles/restore"),
                "cluster restore"),
            Arguments.of("a Pod Identity cluster dropped", "{" + pod, "{\"identity\": \"POD_IDENTITY\", \"clusters\": [{\"name\":"
                + " \"backup\", \"clusterName\": \"backup\", \"region\": \"us-west-2\"}]}",
                List.of("remove VeleroBackup/Velero/PodIdentityAssociations/restore/velero:velero"), "cluster restore"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void aChangeThatStrandsBackupsOrIdentitiesFailsNamingTheResourceAndTheFieldAndPassesOnceAcknowledged(String what,
            String before, String after, List<String> acks, String field) throws Exception {
        AppRun old = run(before);
        // The three checks at once: the CLI's diffs are what takes the time.
        Running refusing = start(old, run(after));
        Running passing = start(old, run(acknowledging(after, acks)));
        Running partial = acks.size() > 1 && what.equals("a new bucketName")
                ? start(old, run(acknowledging(after, acks.subList(1, acks.size())))) : null;
        Result refused = refusing.get();
        assertThat(refused.status()).as(refused.out()).isEqualTo(1);
        for (String ack : acks) {
            assertThat(refused.out()).as(what).contains("\"" + ack + "\"");
        }
        assertThat(refused.out()).as(what).contains(field).doesNotContain("Exception");
        // Acknowledged in so many words, the same change passes; the acknowledgements are printed.
        Result passed = passing.get();
        assertThat(passed.status()).as(passed.out()).isZero();
        assertThat(passed.out()).contains("acknowledged: " + acks.get(0));
        // One acknowledgement short, it fails again: each is needed (once: each diff is a CLI run).
        if (partial != null) {
            Result partly = partial.get();
            assertThat(partly.status()).as(partly.out()).isEqualTo(1);
            assertThat(partly.out()).contains("\"" + acks.get(0) + "\"");
        }
    }

    @Test
    void anEditThatKeepsEverythingPassesAndSaysSo() throws Exception {
        Result same = check(run(config("")), run(config("\"noncurrentVersionExpirationDays\": 60, ")));
        assertThat(same.status()).as(same.out()).isZero();
        assertThat(same.out()).contains("VeleroBackup: no bucket, key, bucket policy, role, OIDC provider or Pod Identity"
                + " association is replaced or removed");
    }

    @Test
    void aFormerKeyKeepsTheSwitchFromOneKeyToAnotherReadable() throws Exception {
        AppRun old = run(config("\"kmsKeyArn\": \"" + KEY_A + "\", "));
        String kept = config("\"kmsKeyArn\": \"" + KEY_B + "\", \"formerKmsKeyArns\": [\"" + KEY_A + "\"], ");
        Result passed = check(old, run(kept));
        assertThat(passed.status()).as(passed.out()).isZero();
    }

    /** Every fleet stack is checked, the replica's too: the replica turned off drops each bucket's replication role. */
    @Test
    void turningTheReplicaOffIsCaughtInTheStackOfEachBucketItReplicated() throws Exception {
        Path file = Path.of("test", "fleets", "replica-same-account.json");
        String with = Files.readString(file);
        ObjectNode without = (ObjectNode) TestApps.JSON.readTree(with);
        without.remove("replica");
        ObjectNode unlocked = (ObjectNode) TestApps.JSON.readTree(with);
        ((ObjectNode) unlocked.get("replica")).remove("objectLock");
        AppRun withReplica = run(with);
        Running off = start(withReplica, run(without.toString()));
        Running lockOff = start(withReplica, run(unlocked.toString()));
        Result refused = off.get();
        assertThat(refused.status()).as(refused.out()).isEqualTo(1);
        assertThat(refused.out()).contains("\"remove VeleroBackup-111111111111-us-east-1/Velero/Replication\"")
                .contains("caused by replica")
                .contains("\"remove VeleroBackup-111111111111-us-west-2/ReplicaOf111111111111UsEast1/Bucket\"");
        // Object Lock's retention off: in place, nothing to refuse.
        Result inPlace = lockOff.get();
        assertThat(inPlace.status()).as(inPlace.out()).isZero();
    }

    /** A fleet's stacks are each checked, and a stack the app no longer makes counts: its buckets leave the configuration. */
    @Test
    void leavingTheBackupAccountIsCaughtInItsStack() throws Exception {
        String with = Files.readString(Path.of("test", "fleets", "accounts.json"));
        ObjectNode without = (ObjectNode) TestApps.JSON.readTree(with);
        without.remove("backupAccount");
        Result refused = check(run(with), run(without.toString()));
        assertThat(refused.status()).as(refused.out()).isEqualTo(1);
        assertThat(refused.out()).contains("\"remove VeleroBackup-999988887777-us-east-1/BucketFor111111111111/Bucket\"")
                .contains("\"remove VeleroBackup-999988887777-us-west-2/BucketFor111111111111/Bucket\"")
                .contains("the stack is no longer in the app");
    }

    /** After a switch, every role may still decrypt with the former key, through S3 and for this bucket. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("switches")
    void afterAnEncryptionSwitchEveryIdentityMayStillDecryptWithTheFormerKey(String what, String config) throws IOException {
        AppRun run = AppRun.of(config, "111122223333", "us-west-2");
        assertThat(run.status()).as(run.err()).isZero();
        var template = run.template("VeleroBackup");
        String bucketArn = "arn:aws:s3:::velero-backups-1";
        Map<String, String> values = new java.util.HashMap<>(io.github.veleroirsa.Intrinsics.SAMPLE);
        template.get("Resources").properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals("AWS::S3::Bucket")) {
                values.put(e.getKey() + ".Arn", bucketArn);
                values.put(e.getKey(), "velero-backups-1");
            } else if (e.getValue().get("Type").asText().equals("AWS::KMS::Key")) {
                values.put(e.getKey() + ".Arn", "arn:aws:kms:us-west-2:111122223333:key/33333333-3333-3333-3333-333333333333");
            }
        });
        List<String> roles = new ArrayList<>();
        template.get("Resources").properties().forEach(e -> {
            if (!e.getValue().get("Type").asText().equals("AWS::IAM::Role")) {
                return;
            }
            roles.add(e.getKey());
            List<PolicyEvaluator> policies = new ArrayList<>();
            e.getValue().at("/Properties/ManagedPolicyArns").forEach(ref -> policies.add(new PolicyEvaluator(
                    template.at("/Resources/" + ref.get("Ref").asText() + "/Properties/PolicyDocument"), values::get)));
            e.getValue().at("/Properties/Policies").forEach(p -> policies.add(new PolicyEvaluator(p.get("PolicyDocument"), values::get)));
            Map<String, String> viaS3 = Map.of("kms:ViaService", "s3.us-west-2.amazonaws.com",
                    "kms:EncryptionContext:aws:s3:arn", bucketArn);
            assertThat(policies.stream().anyMatch(p -> p.allows(new Request("kms:Decrypt", KEY_A, viaS3))))
                    .as("%s: role %s decrypts with the former key through S3", what, e.getKey()).isTrue();
            assertThat(policies.stream().anyMatch(p -> p.allows(new Request("kms:GenerateDataKey", KEY_A, viaS3))))
                    .as("%s: role %s writes nothing new with it", what, e.getKey()).isFalse();
            assertThat(policies.stream().anyMatch(p -> p.allows(new Request("kms:Decrypt", KEY_A, Map.of(
                    "kms:EncryptionContext:aws:s3:arn", bucketArn)))))
                    .as("%s: role %s, not through S3", what, e.getKey()).isFalse();
            assertThat(policies.stream().anyMatch(p -> p.allows(new Request("kms:Decrypt", KEY_A, Map.of(
                    "kms:ViaService", "s3.us-west-2.amazonaws.com", "kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::other")))))
                    .as("%s: role %s, for another bucket", what, e.getKey()).isFalse();
        });
        assertThat(roles).as(what).isNotEmpty();
    }

    static Stream<Arguments> switches() {
        String former = "\"bucketName\": \"velero-backups-1\", \"formerKmsKeyArns\": [\"" + KEY_A + "\"], ";
        return Stream.of(
            Arguments.of("to SSE-S3, one shared role", config(former)),
            Arguments.of("to SSE-S3, a role per cluster", config(former + "\"roles\": \"PER_CLUSTER\", ")),
            Arguments.of("to another key", config(former + "\"kmsKeyArn\": \"" + KEY_B + "\", ")),
            Arguments.of("to a created key, Pod Identity", "{" + former + "\"encryption\": \"KMS\", \"identity\": \"POD_IDENTITY\","
                + " \"clusters\": [{\"name\": \"backup\", \"clusterName\": \"backup\"}]}"));
    }
}
