package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.veleroirsa.IamSimulator;
import io.github.veleroirsa.Intrinsics;
import io.github.veleroirsa.PolicyEvaluator;
import io.github.veleroirsa.PolicyEvaluator.Request;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Velero policy of every configuration in the matrix, evaluated as IAM would: Velero's real
 * calls are allowed, with the resources and context they carry, and nothing beside them. The
 * calls are those of velero-plugin-for-aws ({@code volume_snapshotter.go}, {@code object_store.go})
 * and Velero ({@code pkg/backup/item_backupper.go} tags every snapshot with {@code velero.io/backup}
 * and {@code velero.io/pv}).
 */
class PolicyEvaluationTest {
    static final String ACCOUNT = Intrinsics.SAMPLE.get("AWS::AccountId");
    static final String REGION = Intrinsics.SAMPLE.get("AWS::Region");
    static final String CREATED_KEY = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/00000000-0000-0000-0000-000000000001";
    static final String OTHER_KEY = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/99999999-9999-9999-9999-999999999999";

    static final String VOLUME = "arn:aws:ec2:" + REGION + ":" + ACCOUNT + ":volume/vol-0123456789abcdef0";
    static final String NEW_VOLUME = "arn:aws:ec2:" + REGION + ":" + ACCOUNT + ":volume/vol-0fedcba9876543210";
    static final String SNAPSHOT = "arn:aws:ec2:" + REGION + "::snapshot/snap-0123456789abcdef0";
    static final String NEW_SNAPSHOT = "arn:aws:ec2:" + REGION + "::snapshot/snap-0fedcba9876543210";
    /** The tags Velero sets on a snapshot (its backup and PV) and copies from the volume. */
    static final Map<String, String> VELERO_TAGS = Map.of("aws:RequestTag/velero.io/backup", "nightly-20261128",
            "aws:RequestTag/velero.io/pv", "pvc-1234", "aws:TagKeys", "velero.io/backup");

    static Stream<Path> configurations() {
        return ConfigMatrix.files().stream();
    }

    static Map<String, String> with(Map<String, String> a, String key, String value) {
        Map<String, String> out = new java.util.HashMap<>(a);
        out.put(key, value);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void velerosCallsAreAllowedAndNothingBesideThem(Path file) throws IOException {
        JsonNode config = TestApps.JSON.readTree(file.toFile());
        JsonNode template = AppRun.of(Files.readString(file), null, null).template("VeleroBackup");
        List<JsonNode> policies = new ArrayList<>();
        template.get("Resources").forEach(r -> {
            if (r.get("Type").asText().equals("AWS::IAM::ManagedPolicy")) {
                policies.add(r.at("/Properties/PolicyDocument"));
            }
        });
        assertThat(policies).hasSize(1);
        String bucket = config.has("existingBucketName") ? config.get("existingBucketName").asText() : WiringOutputs.BUCKET;
        java.util.function.Function<String, String> values = key -> {
            if (Intrinsics.SAMPLE.containsKey(key)) {
                return Intrinsics.SAMPLE.get(key);
            }
            String type = template.at("/Resources/" + key.replace(".Arn", "") + "/Type").asText();
            return switch (type + (key.endsWith(".Arn") ? ".Arn" : "")) {
                case "AWS::S3::Bucket" -> bucket;
                case "AWS::S3::Bucket.Arn" -> "arn:aws:s3:::" + bucket;
                case "AWS::KMS::Key.Arn" -> CREATED_KEY;
                default -> throw new AssertionError("no sample for " + key);
            };
        };
        PolicyEvaluator policy = new PolicyEvaluator(policies.get(0), values);
        String objects = "arn:aws:s3:::" + bucket + "/backups/nightly-20261128/velero-backup.json";

        List<Request> allowed = new ArrayList<>();
        List<Request> denied = new ArrayList<>();
        List<Request> ebs = List.of(
                new Request("ec2:DescribeVolumes", "*"),
                new Request("ec2:DescribeSnapshots", "*"),
                // CreateSnapshot: the source volume and the new snapshot, with the tags it is created with.
                new Request("ec2:CreateSnapshot", VOLUME),
                new Request("ec2:CreateSnapshot", NEW_SNAPSHOT, VELERO_TAGS),
                new Request("ec2:CreateTags", NEW_SNAPSHOT, with(VELERO_TAGS, "ec2:CreateAction", "CreateSnapshot")),
                // CreateVolume (restore): the new volume from the snapshot, tagged as it is created.
                new Request("ec2:CreateVolume", NEW_VOLUME, VELERO_TAGS),
                new Request("ec2:CreateVolume", SNAPSHOT),
                new Request("ec2:CreateTags", NEW_VOLUME, with(VELERO_TAGS, "ec2:CreateAction", "CreateVolume")),
                // DeleteSnapshot (backup expiry): a snapshot Velero took.
                new Request("ec2:DeleteSnapshot", SNAPSHOT, Map.of("aws:ResourceTag/velero.io/backup", "nightly-20261128")));
        boolean ebsSnapshots = !config.has("ebsSnapshots") || config.get("ebsSnapshots").asBoolean();
        (ebsSnapshots ? allowed : denied).addAll(ebs);
        denied.addAll(List.of(
                new Request("ec2:CreateTags", VOLUME, Map.of("aws:RequestTag/kubernetes.io/cluster/prod", "owned")),
                new Request("ec2:CreateTags", VOLUME, Map.of("ec2:CreateAction", "RunInstances")),
                new Request("ec2:DeleteSnapshot", SNAPSHOT),
                new Request("ec2:DeleteSnapshot", SNAPSHOT, Map.of("aws:ResourceTag/team", "platform")),
                new Request("ec2:DeleteVolume", VOLUME),
                new Request("ec2:ModifySnapshotAttribute", SNAPSHOT)));

        for (String action : List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging",
                "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts")) {
            allowed.add(new Request(action, objects));
            denied.add(new Request(action, "arn:aws:s3:::another-bucket/backups/x"));
        }
        allowed.add(new Request("s3:ListBucket", "arn:aws:s3:::" + bucket));
        denied.addAll(List.of(new Request("s3:ListBucket", "arn:aws:s3:::another-bucket"),
                new Request("s3:DeleteBucket", "arn:aws:s3:::" + bucket),
                new Request("s3:PutBucketPolicy", "arn:aws:s3:::" + bucket),
                new Request("s3:PutLifecycleConfiguration", "arn:aws:s3:::" + bucket),
                new Request("s3:DeleteObjectVersion", objects),
                new Request("iam:PassRole", "arn:aws:iam::" + ACCOUNT + ":role/admin"),
                new Request("iam:CreateRole", "arn:aws:iam::" + ACCOUNT + ":role/x"),
                new Request("kms:Decrypt", OTHER_KEY),
                new Request("kms:ScheduleKeyDeletion", CREATED_KEY)));

        String key = config.has("kmsKeyArn") ? config.get("kmsKeyArn").asText()
                : "KMS".equalsIgnoreCase(config.path("encryption").asText()) ? CREATED_KEY : null;
        for (String action : List.of("kms:Decrypt", "kms:GenerateDataKey")) {
            (key != null ? allowed : denied).add(new Request(action, key != null ? key : CREATED_KEY));
        }
        for (JsonNode ebsKey : config.path("ebsKmsKeyArns")) {
            for (String action : List.of("kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
                    "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:RetireGrant")) {
                allowed.add(new Request(action, ebsKey.asText()));
            }
            allowed.add(new Request("kms:CreateGrant", ebsKey.asText(), Map.of("kms:GrantIsForAWSResource", "true")));
            denied.add(new Request("kms:CreateGrant", ebsKey.asText()));
        }

        allowed.forEach(r -> assertThat(policy.allows(r)).as("allowed: %s", r).isTrue());
        denied.forEach(r -> assertThat(policy.allows(r)).as("denied: %s", r).isFalse());

        // The same requests through an IAM simulator nobody here wrote: the same verdicts. KMS asks
        // the key's policy too: the created key's from the template, else a key policy as AWS
        // makes it by default, which lets the account's IAM policies decide (the README asks it of
        // an existing key).
        JsonNode createdKeyPolicy = null;
        for (JsonNode r : template.get("Resources")) {
            if (r.get("Type").asText().equals("AWS::KMS::Key")) {
                createdKeyPolicy = Intrinsics.resolveAll(r.at("/Properties/KeyPolicy"), values);
            }
        }
        JsonNode defaultKeyPolicy = TestApps.parse("{'Version':'2012-10-17','Statement':[{'Effect':'Allow',"
                + "'Principal':{'AWS':'arn:aws:iam::" + ACCOUNT + ":root'},'Action':'kms:*','Resource':'*'}]}");
        JsonNode identity = Intrinsics.resolveAll(policies.get(0), values);
        JsonNode bucketKeyPolicy = createdKeyPolicy != null && !config.has("kmsKeyArn") ? createdKeyPolicy : defaultKeyPolicy;
        List<Request> all = new ArrayList<>(allowed);
        all.addAll(denied);
        List<String> verdicts = IamSimulator.verdicts("arn:aws:iam::" + ACCOUNT + ":role/velero", List.of(identity),
                null, ACCOUNT, all.stream().map(r -> new IamSimulator.Call(r.action(), r.resource(), r.context(),
                        !r.resource().startsWith("arn:aws:kms:") ? null
                                : r.resource().equals(CREATED_KEY) ? bucketKeyPolicy : defaultKeyPolicy)).toList());
        for (int i = 0; i < all.size(); i++) {
            assertThat(verdicts.get(i)).as("the IAM simulator on %s", all.get(i))
                    .isEqualTo(i < allowed.size() ? "Allowed" : "ImplicitlyDenied");
        }
        simulated.addAndGet(all.size());
    }

    static final java.util.concurrent.atomic.AtomicInteger simulated = new java.util.concurrent.atomic.AtomicInteger();

    @org.junit.jupiter.api.AfterAll
    static void sayHowManyTheSimulatorJudged() {
        System.out.println("IAM simulator (@cloud-copilot/iam-simulate): " + simulated.get() + " requests over the"
                + " matrix, each with the evaluator's verdict");
    }
}
