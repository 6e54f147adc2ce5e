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
import java.util.Set;
import io.github.veleroirsa.VeleroPermissions;
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

    /** A cluster of a configuration as its policy sees it: name, prefix, sources, whether it only restores, role. */
    record Cluster(String name, String prefix, List<String> sources, boolean restoreOnly, String role) {}

    static List<Cluster> clusters(JsonNode config) {
        boolean perCluster = "PER_CLUSTER".equalsIgnoreCase(config.path("roles").asText());
        List<Cluster> out = new ArrayList<>();
        for (JsonNode c : config.get("clusters")) {
            String name = c.get("name").asText();
            List<String> sources = new ArrayList<>();
            c.path("restoresFrom").forEach(s -> sources.add(s.asText()));
            String role = c.has("role") ? c.get("role").asText() : perCluster ? name : null;
            out.add(new Cluster(name, c.path("prefix").asText(name), sources, c.path("restoreOnly").asBoolean(), role));
        }
        return out;
    }

    /** The logical ID of a cluster's role: {@code VeleroRole<hash>}, or {@code VeleroRoles<role><hash>}. */
    static String roleId(JsonNode template, Cluster c) {
        String want = c.role() == null ? "VeleroRole" : "VeleroRoles" + c.role().replaceAll("[^A-Za-z0-9]", "");
        List<String> ids = new ArrayList<>();
        template.get("Resources").fieldNames().forEachRemaining(id -> {
            if (id.matches(java.util.regex.Pattern.quote(want) + "[0-9A-F]{8}")
                    && template.at("/Resources/" + id + "/Type").asText().equals("AWS::IAM::Role")) {
                ids.add(id);
            }
        });
        assertThat(ids).as("the role of cluster %s", c.name()).hasSize(1);
        return ids.get(0);
    }

    /** A role's policies: the managed ones it names, then its inline ones, as the template holds them. */
    static List<JsonNode> policies(JsonNode template, String roleId) {
        JsonNode role = template.at("/Resources/" + roleId + "/Properties");
        List<JsonNode> out = new ArrayList<>();
        role.path("ManagedPolicyArns").forEach(ref ->
                out.add(template.at("/Resources/" + ref.get("Ref").asText() + "/Properties/PolicyDocument")));
        role.path("Policies").forEach(p -> out.add(p.get("PolicyDocument")));
        return out;
    }

    static Request s3(String action, String bucket, String key) {
        return new Request(action, "arn:aws:s3:::" + bucket + "/" + key);
    }

    static Request list(String bucket, String prefix) {
        return new Request("s3:ListBucket", "arn:aws:s3:::" + bucket, prefix == null ? Map.of() : Map.of("s3:prefix", prefix));
    }

    static final List<String> OBJECT_ACTIONS = List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject",
            "s3:PutObjectTagging", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts");

    /** What Velero and Kopia do under a location's prefix (the root when {@code null}), one request each. */
    static List<Request> ownCalls(String bucket, String prefix) {
        String p = prefix == null ? "" : prefix + "/";
        List<Request> out = new ArrayList<>();
        for (String key : List.of("backups/nightly-20261128/velero-backup.json", "kopia/velero/p0123abcd",
                "restores/r1/restore-r1-logs.gz")) {
            OBJECT_ACTIONS.forEach(a -> out.add(s3(a, bucket, p + key)));
        }
        // Velero: the location's validation, backup sync, a backup's deletion; Kopia: a blob listing.
        for (String listed : List.of("", "backups/", "backups/nightly-20261128/", "kopia/velero/xn0_")) {
            out.add(list(bucket, p + listed));
        }
        return out;
    }

    /** What a restore reads from its source's prefix, and the objects it writes there. */
    static List<Request> restoreCalls(String bucket, String prefix) {
        String p = prefix + "/";
        List<Request> out = new ArrayList<>(List.of(
                s3("s3:GetObject", bucket, p + "backups/nightly-20261128/velero-backup.json"),
                s3("s3:GetObject", bucket, p + "backups/nightly-20261128/nightly-20261128.tar.gz"),
                s3("s3:GetObject", bucket, p + "kopia/velero/kopia.repository"),
                list(bucket, p), list(bucket, p + "backups/"), list(bucket, p + "kopia/velero/xn0_")));
        for (String key : List.of("restore-r1-logs.gz", "restore-r1-results.gz", "restore-r1-resource-list.json.gz",
                "restore-r1-itemoperations.json.gz", "r1-volumeinfo.json.gz")) {
            out.add(s3("s3:PutObject", bucket, p + "restores/r1/" + key));
        }
        return out;
    }

    /** What a restore must not do on its source's prefix: delete, or write anything but its own files. */
    static List<Request> restoreMustNot(String bucket, String prefix) {
        String p = prefix + "/";
        return List.of(
                s3("s3:DeleteObject", bucket, p + "backups/nightly-20261128/velero-backup.json"),
                s3("s3:DeleteObject", bucket, p + "restores/r1/restore-r1-logs.gz"),
                s3("s3:PutObject", bucket, p + "backups/nightly-20261128/velero-backup.json"),
                s3("s3:PutObject", bucket, p + "kopia/velero/p0123abcd"),
                s3("s3:PutObject", bucket, p + "restores/r1/anything-else.txt"),
                s3("s3:PutObjectTagging", bucket, p + "backups/nightly-20261128/velero-backup.json"));
    }

    /** Every request that must be denied under another cluster's prefix. */
    static List<Request> foreign(String bucket, String prefix) {
        List<Request> out = new ArrayList<>();
        OBJECT_ACTIONS.forEach(a -> out.add(s3(a, bucket, prefix + "/backups/nightly-20261128/velero-backup.json")));
        out.add(list(bucket, prefix + "/"));
        out.add(list(bucket, prefix + "/backups/"));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void velerosCallsAreAllowedAndNothingBesideThem(Path file) throws IOException {
        JsonNode config = TestApps.JSON.readTree(file.toFile());
        JsonNode template = AppRun.of(Files.readString(file), null, null).template("VeleroBackup");
        boolean shared = "SHARED".equalsIgnoreCase(config.path("isolation").asText());
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
        boolean ebsSnapshots = !config.has("ebsSnapshots") || config.get("ebsSnapshots").asBoolean();
        String key = config.has("kmsKeyArn") ? config.get("kmsKeyArn").asText()
                : "KMS".equalsIgnoreCase(config.path("encryption").asText()) ? CREATED_KEY : null;
        List<Cluster> clusters = clusters(config);
        StringBuilder table = new StringBuilder("| cluster | role | request | verdict |\n|---|---|---|---|\n");

        for (int n = 0; n < clusters.size(); n++) {
            Cluster c = clusters.get(n);
            String roleId = roleId(template, c);
            List<JsonNode> documents = policies(template, roleId);
            List<Cluster> sameRole = clusters.stream().filter(o -> java.util.Objects.equals(o.role(), c.role())).toList();
            boolean backsUp = sameRole.stream().anyMatch(o -> !o.restoreOnly());
            List<Request> allowed = new ArrayList<>();
            List<Request> denied = new ArrayList<>();

            // EBS: every role describes and restores volumes; only a role that backs up snapshots and deletes.
            List<Request> restoreEbs = List.of(
                    new Request("ec2:DescribeVolumes", "*"),
                    new Request("ec2:DescribeSnapshots", "*"),
                    new Request("ec2:CreateVolume", NEW_VOLUME, VELERO_TAGS),
                    new Request("ec2:CreateVolume", SNAPSHOT),
                    new Request("ec2:CreateTags", NEW_VOLUME, with(VELERO_TAGS, "ec2:CreateAction", "CreateVolume")));
            List<Request> backupEbs = List.of(
                    new Request("ec2:CreateSnapshot", VOLUME),
                    new Request("ec2:CreateSnapshot", NEW_SNAPSHOT, VELERO_TAGS),
                    new Request("ec2:CreateTags", NEW_SNAPSHOT, with(VELERO_TAGS, "ec2:CreateAction", "CreateSnapshot")),
                    new Request("ec2:DeleteSnapshot", SNAPSHOT, Map.of("aws:ResourceTag/velero.io/backup", "nightly-20261128")));
            (ebsSnapshots ? allowed : denied).addAll(restoreEbs);
            (ebsSnapshots && backsUp ? allowed : denied).addAll(backupEbs);
            denied.addAll(List.of(
                    new Request("ec2:CreateTags", VOLUME, Map.of("aws:RequestTag/kubernetes.io/cluster/prod", "owned")),
                    new Request("ec2:CreateTags", VOLUME, Map.of("ec2:CreateAction", "RunInstances")),
                    new Request("ec2:DeleteSnapshot", SNAPSHOT),
                    new Request("ec2:DeleteSnapshot", SNAPSHOT, Map.of("aws:ResourceTag/team", "platform")),
                    new Request("ec2:DeleteVolume", VOLUME),
                    new Request("ec2:ModifySnapshotAttribute", SNAPSHOT)));

            // The bucket: the root with SHARED, else the role's own prefixes and its clusters' sources.
            if (shared) {
                allowed.addAll(ownCalls(bucket, null));
                allowed.add(list(bucket, null));
            } else {
                Set<String> reached = new java.util.HashSet<>();
                for (Cluster own : sameRole) {
                    if (!own.restoreOnly()) {
                        allowed.addAll(ownCalls(bucket, own.prefix()));
                        reached.add(own.name());
                    }
                }
                for (Cluster own : sameRole) {
                    for (String source : own.sources()) {
                        Cluster s = clusters.stream().filter(o -> o.name().equals(source)).findFirst().orElseThrow();
                        allowed.addAll(restoreCalls(bucket, s.prefix()));
                        if (reached.add(s.name())) {
                            denied.addAll(restoreMustNot(bucket, s.prefix()));
                        }
                    }
                }
                // Every other cluster's prefix is denied; of a fleet, three of them stand for the rest.
                clusters.stream().filter(o -> !reached.contains(o.name()) && !o.restoreOnly()).limit(3)
                        .forEach(o -> denied.addAll(foreign(bucket, o.prefix())));
                // Nothing lists the whole bucket, or a prefix that only begins like one of its own.
                denied.add(list(bucket, null));
                denied.add(list(bucket, ""));
                sameRole.stream().filter(o -> !o.restoreOnly()).forEach(o -> {
                    denied.add(list(bucket, o.prefix() + "-other/"));
                    denied.add(s3("s3:GetObject", bucket, o.prefix() + "-other/backups/x/velero-backup.json"));
                });
                if (c.restoreOnly()) {
                    // Deletes nothing anywhere.
                    for (Cluster any : clusters) {
                        denied.add(s3("s3:DeleteObject", bucket, any.prefix() + "/backups/nightly-20261128/velero-backup.json"));
                    }
                }
            }
            for (String action : OBJECT_ACTIONS) {
                denied.add(new Request(action, "arn:aws:s3:::another-bucket/" + c.prefix() + "/backups/x"));
            }
            denied.addAll(List.of(list("another-bucket", c.prefix() + "/"),
                    new Request("s3:DeleteBucket", "arn:aws:s3:::" + bucket),
                    new Request("s3:PutBucketPolicy", "arn:aws:s3:::" + bucket),
                    new Request("s3:PutLifecycleConfiguration", "arn:aws:s3:::" + bucket),
                    new Request("s3:DeleteObjectVersion", "arn:aws:s3:::" + bucket + "/" + c.prefix() + "/backups/x"),
                    new Request("iam:PassRole", "arn:aws:iam::" + ACCOUNT + ":role/admin"),
                    new Request("iam:CreateRole", "arn:aws:iam::" + ACCOUNT + ":role/x"),
                    new Request("kms:Decrypt", OTHER_KEY, viaS3("arn:aws:s3:::" + bucket)),
                    new Request("kms:ScheduleKeyDeletion", CREATED_KEY)));

            // The bucket's key: through S3 in the bucket's region, for this bucket only.
            String keyArn = key != null ? key : CREATED_KEY;
            for (String action : List.of("kms:Decrypt", "kms:GenerateDataKey")) {
                (key != null ? allowed : denied).add(new Request(action, keyArn, viaS3("arn:aws:s3:::" + bucket)));
                denied.add(new Request(action, keyArn));
                denied.add(new Request(action, keyArn, viaS3("arn:aws:s3:::another-bucket")));
                denied.add(new Request(action, keyArn, Map.of("kms:ViaService", "s3.eu-north-1.amazonaws.com",
                        VeleroPermissions.KMS_S3_CONTEXT, "arn:aws:s3:::" + bucket)));
            }
            for (JsonNode ebsKey : config.path("ebsKmsKeyArns")) {
                for (String action : List.of("kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
                        "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:RetireGrant")) {
                    allowed.add(new Request(action, ebsKey.asText()));
                }
                allowed.add(new Request("kms:CreateGrant", ebsKey.asText(), Map.of("kms:GrantIsForAWSResource", "true")));
                denied.add(new Request("kms:CreateGrant", ebsKey.asText()));
            }

            List<PolicyEvaluator> evaluators = documents.stream().map(d -> new PolicyEvaluator(d, values)).toList();
            java.util.function.Predicate<Request> allows = r -> evaluators.stream().anyMatch(e -> e.allows(r));
            allowed.forEach(r -> assertThat(allows.test(r)).as("%s allowed: %s", c.name(), r).isTrue());
            denied.forEach(r -> assertThat(allows.test(r)).as("%s denied: %s", c.name(), r).isFalse());

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
            JsonNode bucketKeyPolicy = createdKeyPolicy != null && !config.has("kmsKeyArn") ? createdKeyPolicy : defaultKeyPolicy;
            // The simulator judges every cluster of a small configuration, and the first three of a fleet.
            if (n >= 3 && clusters.size() > 10) {
                continue;
            }
            // It drops context keys it cannot match to the action's, and it matches a variable key
            // only by a prefix up to '/' (simulationEngine.js, listHasVariableKeyMatch): KMS's
            // kms:EncryptionContext:aws:s3:arn never reaches it, so those requests are the
            // evaluator's alone.
            java.util.function.Predicate<Request> judged = r -> !r.context().containsKey(VeleroPermissions.KMS_S3_CONTEXT);
            List<Request> all = new ArrayList<>(allowed.stream().filter(judged).toList());
            int allowedCount = all.size();
            all.addAll(denied.stream().filter(judged).toList());
            List<String> verdicts = IamSimulator.verdicts("arn:aws:iam::" + ACCOUNT + ":role/velero",
                    documents.stream().map(d -> Intrinsics.resolveAll(d, values)).toList(), null, ACCOUNT,
                    all.stream().map(r -> new IamSimulator.Call(r.action(), r.resource(), r.context(),
                            !r.resource().startsWith("arn:aws:kms:") ? null
                                    : r.resource().equals(CREATED_KEY) ? bucketKeyPolicy : defaultKeyPolicy)).toList());
            for (int i = 0; i < all.size(); i++) {
                assertThat(verdicts.get(i)).as("the IAM simulator on %s for %s", all.get(i), c.name())
                        .isEqualTo(i < allowedCount ? "Allowed" : "ImplicitlyDenied");
                if (all.get(i).action().startsWith("s3:")) {
                    table.append("| ").append(c.name()).append(" | ").append(c.role() == null ? "(shared)" : c.role())
                            .append(" | ").append(all.get(i).action()).append(' ')
                            .append(all.get(i).resource().replace("arn:aws:s3:::", ""))
                            .append(all.get(i).context().containsKey("s3:prefix")
                                    ? " prefix=" + all.get(i).context().get("s3:prefix") : "")
                            .append(" | ").append(verdicts.get(i)).append(" |\n");
                }
            }
            simulated.addAndGet(all.size());
        }
        // The S3 verdicts, as both judged them, for the note and for a reviewer: target/policy-tables/.
        Path tables = Path.of("target", "policy-tables");
        Files.createDirectories(tables);
        Files.writeString(tables.resolve(file.getFileName().toString().replace(".json", ".md")), table);
    }

    /** The context S3 gives KMS for an object of {@code bucketArn}: through S3 in the sample region, with a Bucket Key. */
    static Map<String, String> viaS3(String bucketArn) {
        return Map.of("kms:ViaService", "s3." + REGION + ".amazonaws.com", VeleroPermissions.KMS_S3_CONTEXT, bucketArn);
    }

    static final java.util.concurrent.atomic.AtomicInteger simulated = new java.util.concurrent.atomic.AtomicInteger();

    @org.junit.jupiter.api.AfterAll
    static void sayHowManyTheSimulatorJudged() {
        System.out.println("IAM simulator (@cloud-copilot/iam-simulate): " + simulated.get() + " requests over the"
                + " matrix, each with the evaluator's verdict");
    }
}
