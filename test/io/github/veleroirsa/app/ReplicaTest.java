package io.github.veleroirsa.app;

import static io.github.veleroirsa.app.FleetAccountsTest.bucketOf;
import static io.github.veleroirsa.app.FleetAccountsTest.cluster;
import static io.github.veleroirsa.app.FleetAccountsTest.clusters;
import static io.github.veleroirsa.app.FleetAccountsTest.context;
import static io.github.veleroirsa.app.FleetAccountsTest.heldBucket;
import static io.github.veleroirsa.app.FleetAccountsTest.holder;
import static io.github.veleroirsa.app.FleetAccountsTest.readsReplica;
import static io.github.veleroirsa.app.FleetAccountsTest.replicaHolder;
import static io.github.veleroirsa.app.FleetAccountsTest.replicaRegion;
import static io.github.veleroirsa.app.FleetAccountsTest.role;
import static io.github.veleroirsa.app.FleetAccountsTest.use;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.veleroirsa.Intrinsics;
import io.github.veleroirsa.PolicyEvaluator.Request;
import io.github.veleroirsa.TestApps;
import io.github.veleroirsa.app.FleetAccountsTest.Case;
import io.github.veleroirsa.app.FleetAccountsTest.Caller;
import io.github.veleroirsa.app.FleetAccountsTest.Cluster;
import io.github.veleroirsa.app.FleetAccountsTest.Held;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fleets with a replica (test/fleets/replica-*.json): the replica buckets and their Object
 * Lock, the replication rule of each bucket, what its replication role may do, judged by
 * evaluating requests against both halves of access, and what a DR cluster may do in the
 * replica. The fleet-wide checks (stacks, environments, cdk-nag, the real velero CLI and chart
 * on every cluster's locations) run over these fleets in {@link FleetAccountsTest}.
 */
class ReplicaTest {
    static Stream<Path> replicaFleets() throws IOException {
        return FleetAccountsTest.fleets().filter(p -> p.getFileName().toString().startsWith("replica-"));
    }

    /** The clusters that back up, whose buckets are replicated. */
    static List<Cluster> replicated() {
        return clusters().stream().filter(c -> !c.restoreOnly()).toList();
    }


    /** A resource of a stack's template by type and a property's value. */
    static Map.Entry<String, JsonNode> resource(String stack, String type, String property, String value) {
        for (var e : FleetAccountsTest.templates.get(stack).get("Resources").properties()) {
            if (e.getValue().get("Type").asText().equals(type) && e.getValue().at(property).asText().equals(value)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " with " + property + " " + value + " in " + stack);
    }

    static JsonNode bucketResource(String bucket) {
        return resource(FleetAccountsTest.buckets().get(bucket), "AWS::S3::Bucket", "/Properties/BucketName", bucket).getValue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replicaFleets")
    void eachReplicaIsVersionedEncryptedLockedRetainedAndInTheReplicasAccountAndRegion(Path file) {
        use(file);
        JsonNode lock = FleetAccountsTest.config.at("/replica/objectLock");
        boolean kms = FleetAccountsTest.config.path("encryption").asText().equals("KMS");
        for (Cluster c : replicated()) {
            String replica = bucketOf(c) + "-replica";
            String stack = FleetAccountsTest.buckets().get(replica);
            assertThat(stack).as("the replica of %s", bucketOf(c)).isNotNull();
            assertThat(FleetAccountsTest.environments.get(stack)).isEqualTo("aws://" + replicaHolder(c) + "/" + replicaRegion());
            JsonNode b = bucketResource(replica);
            assertThat(b.at("/Properties/VersioningConfiguration/Status").asText()).isEqualTo("Enabled");
            // Enabled from its creation: ObjectLockEnabled replaces a bucket when it changes.
            assertThat(b.at("/Properties/ObjectLockEnabled").asBoolean()).as(replica).isTrue();
            assertThat(b.at("/Properties/ObjectLockConfiguration/ObjectLockEnabled").asText()).isEqualTo("Enabled");
            if (lock.isMissingNode()) {
                assertThat(b.at("/Properties/ObjectLockConfiguration/Rule").isMissingNode()).isTrue();
            } else {
                assertThat(b.at("/Properties/ObjectLockConfiguration/Rule/DefaultRetention/Mode").asText())
                        .isEqualTo(lock.get("mode").asText());
                assertThat(b.at("/Properties/ObjectLockConfiguration/Rule/DefaultRetention/Days").asInt())
                        .isEqualTo(lock.get("days").asInt());
            }
            assertThat(b.at("/Properties/PublicAccessBlockConfiguration").toString())
                    .isEqualTo("{\"BlockPublicAcls\":true,\"BlockPublicPolicy\":true,\"IgnorePublicAcls\":true,\"RestrictPublicBuckets\":true}");
            assertThat(b.path("DeletionPolicy").asText()).isEqualTo("Retain");
            assertThat(b.path("UpdateReplacePolicy").asText()).isEqualTo("Retain");
            String algorithm = b.at("/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/SSEAlgorithm").asText();
            assertThat(algorithm).isEqualTo(kms ? "aws:kms" : "AES256");
            Held held = heldBucket(replica);
            if (kms) {
                // A key of the replica's own stack (and so region), known to the other stacks by its alias.
                assertThat(held.alias()).isEqualTo("alias/" + replica);
                assertThat(held.keyArn()).startsWith("arn:aws:kms:" + replicaRegion() + ":" + replicaHolder(c) + ":key/");
                String keyId = FleetAccountsTest.kmsIdOf(FleetAccountsTest.templates.get(stack), resource(stack,
                        "AWS::S3::Bucket", "/Properties/BucketName", replica).getKey());
                JsonNode key = FleetAccountsTest.templates.get(stack).at("/Resources/" + keyId);
                assertThat(key.path("DeletionPolicy").asText()).isEqualTo("Retain");
                assertThat(key.path("UpdateReplacePolicy").asText()).isEqualTo("Retain");
            }
            // TLS only: even the replica account's own administrator is refused over plain HTTP.
            Caller admin = FleetAccountsTest.admin("the replica account's admin", "arn:aws:iam::" + replicaHolder(c) + ":role/admin");
            Map<String, String> plain = new LinkedHashMap<>(context(admin, replicaHolder(c), Map.of()));
            plain.put("aws:SecureTransport", "false");
            assertThat(new io.github.veleroirsa.PolicyEvaluator(held.bucketPolicy(), x -> null)
                    .denies(new Request("s3:GetObject", "arn:aws:s3:::" + replica + "/x", plain))).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replicaFleets")
    void eachBucketReplicatesEveryVersionButNoDeleteToItsReplicaAndItsStackDeploysAfterTheReplicas(Path file) {
        FleetAccountsTest.Fleet fleet = use(file);
        boolean kms = FleetAccountsTest.config.path("encryption").asText().equals("KMS");
        boolean rtc = FleetAccountsTest.config.at("/replica/replicationTimeControl").asBoolean();
        JsonNode manifest = fleet.run().json("manifest.json").get("artifacts");
        for (Cluster c : replicated()) {
            String replica = bucketOf(c) + "-replica";
            String stack = FleetAccountsTest.buckets().get(bucketOf(c));
            JsonNode config = bucketResource(bucketOf(c)).at("/Properties/ReplicationConfiguration");
            assertThat(config.get("Rules")).hasSize(1);
            JsonNode rule = config.at("/Rules/0");
            assertThat(rule.get("Status").asText()).isEqualTo("Enabled");
            assertThat(rule.at("/Filter/Prefix").asText("missing")).as("every object").isEmpty();
            assertThat(rule.at("/DeleteMarkerReplication/Status").asText()).isEqualTo("Disabled");
            JsonNode destination = rule.get("Destination");
            assertThat(destination.get("Bucket").asText()).isEqualTo("arn:aws:s3:::" + replica);
            boolean across = !replicaHolder(c).equals(holder(c));
            if (across) {
                assertThat(destination.get("Account").asText()).isEqualTo(replicaHolder(c));
                assertThat(destination.at("/AccessControlTranslation/Owner").asText()).isEqualTo("Destination");
            } else {
                assertThat(destination.has("Account")).isFalse();
                assertThat(destination.has("AccessControlTranslation")).isFalse();
            }
            if (kms) {
                assertThat(rule.at("/SourceSelectionCriteria/SseKmsEncryptedObjects/Status").asText()).isEqualTo("Enabled");
                String alias = destination.at("/EncryptionConfiguration/ReplicaKmsKeyID").asText();
                assertThat(alias).isEqualTo("arn:aws:kms:" + replicaRegion() + ":" + replicaHolder(c) + ":" + heldBucket(replica).alias());
            } else {
                assertThat(rule.has("SourceSelectionCriteria")).isFalse();
            }
            assertThat(destination.at("/ReplicationTime/Status").asText("Disabled")).isEqualTo(rtc ? "Enabled" : "Disabled");
            assertThat(destination.at("/Metrics/Status").asText("Disabled")).isEqualTo(rtc ? "Enabled" : "Disabled");
            // Its role: of its own stack, assumed by S3 alone, named as the replica's policies name it.
            String roleId = config.at("/Role/Fn::GetAtt/0").asText();
            JsonNode role = FleetAccountsTest.templates.get(stack).at("/Resources/" + roleId);
            assertThat(role.at("/Properties/AssumeRolePolicyDocument/Statement").toString())
                    .isEqualTo("[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"}}]");
            assertThat(role.at("/Properties/RoleName").asText()).isEqualTo(replica);
            // The replica exists before the rule that names it: cdk deploy --all deploys its stack first.
            List<String> after = new ArrayList<>();
            manifest.get(stack).path("dependencies").forEach(d -> after.add(d.asText()));
            assertThat(after).as("%s deploys after", stack).contains(FleetAccountsTest.buckets().get(replica));
        }
    }

    /** The replication role of a cluster's bucket: its identity policy as its stack holds it. */
    static Caller replicationRole(Cluster c) {
        String replica = bucketOf(c) + "-replica";
        String stack = FleetAccountsTest.buckets().get(bucketOf(c));
        JsonNode role = resource(stack, "AWS::IAM::Role", "/Properties/RoleName", replica).getValue();
        var values = FleetAccountsTest.values(stack);
        List<JsonNode> policies = new ArrayList<>();
        role.at("/Properties/Policies").forEach(p -> policies.add(Intrinsics.resolveAll(p.get("PolicyDocument"), values)));
        assertThat(role.at("/Properties/ManagedPolicyArns").isMissingNode()).isTrue();
        return new Caller("the replication role of " + bucketOf(c), "arn:aws:iam::" + holder(c) + ":role"
                + FleetAccountsTest.config.path("rolePath").asText("/") + replica, policies);
    }

    static List<Case> replicationCases() {
        List<Case> cases = new ArrayList<>();
        for (Cluster c : replicated()) {
            Caller r = replicationRole(c);
            String replica = bucketOf(c) + "-replica";
            Held source = heldBucket(bucketOf(c));
            Held copy = heldBucket(replica);
            String src = holder(c);
            String dst = replicaHolder(c);
            String srcArn = "arn:aws:s3:::" + bucketOf(c);
            String dstArn = "arn:aws:s3:::" + replica;
            String object = "/" + c.prefix() + "/kopia/velero/p0123456789abcdef";
            for (String a : List.of("s3:GetReplicationConfiguration", "s3:ListBucket")) {
                cases.add(new Case(r.label() + " " + a + " its bucket", r, new Request(a, srcArn, context(r, src, Map.of())),
                        src, source.bucketPolicy(), true));
            }
            for (String a : List.of("s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging")) {
                cases.add(new Case(r.label() + " " + a + " an object", r, new Request(a, srcArn + object,
                        context(r, src, Map.of())), src, source.bucketPolicy(), true));
            }
            List<String> into = new ArrayList<>(List.of("s3:ReplicateObject", "s3:ReplicateTags"));
            if (!src.equals(dst)) {
                into.add("s3:ObjectOwnerOverrideToBucketOwner");
            }
            for (String a : into) {
                cases.add(new Case(r.label() + " " + a + " into its replica", r, new Request(a, dstArn + object,
                        context(r, dst, Map.of())), dst, copy.bucketPolicy(), true));
            }
            // Nothing else: no ordinary read, write or delete, no delete replicated, no other bucket.
            for (String a : List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion")) {
                cases.add(new Case(r.label() + " " + a + " its bucket's object", r, new Request(a, srcArn + object,
                        context(r, src, Map.of())), src, source.bucketPolicy(), false));
            }
            for (String a : List.of("s3:ReplicateDelete", "s3:PutObject", "s3:DeleteObject", "s3:GetObject",
                    "s3:PutObjectRetention", "s3:BypassGovernanceRetention")) {
                cases.add(new Case(r.label() + " " + a + " its replica's object", r, new Request(a, dstArn + object,
                        context(r, dst, Map.of())), dst, copy.bucketPolicy(), false));
            }
            cases.add(new Case(r.label() + " ReplicateObject into a bucket of that name in another account", r,
                    new Request("s3:ReplicateObject", dstArn + object, context(r, "444455556666", Map.of())),
                    "444455556666", null, false));
            for (Cluster o : replicated()) {
                if (!o.name().equals(c.name()) && !bucketOf(o).equals(bucketOf(c))) {
                    Held other = heldBucket(bucketOf(o) + "-replica");
                    cases.add(new Case(r.label() + " ReplicateObject into the replica of " + bucketOf(o), r, new Request(
                            "s3:ReplicateObject", "arn:aws:s3:::" + bucketOf(o) + "-replica" + object, context(r,
                                    replicaHolder(o), Map.of())), replicaHolder(o), other.bucketPolicy(), false));
                    cases.add(new Case(r.label() + " GetObjectVersionForReplication " + bucketOf(o), r, new Request(
                            "s3:GetObjectVersionForReplication", "arn:aws:s3:::" + bucketOf(o) + object, context(r,
                                    holder(o), Map.of())), holder(o), heldBucket(bucketOf(o)).bucketPolicy(), false));
                }
            }
            if (source.keyPolicy() != null) {
                Map<String, String> from = Map.of("kms:ViaService", "s3." + c.region() + ".amazonaws.com",
                        "kms:EncryptionContext:aws:s3:arn", srcArn, "kms:ResourceAliases", source.alias());
                Map<String, String> to = Map.of("kms:ViaService", "s3." + replicaRegion() + ".amazonaws.com",
                        "kms:EncryptionContext:aws:s3:arn", dstArn, "kms:ResourceAliases", copy.alias());
                cases.add(new Case(r.label() + " Decrypt its bucket's key through S3", r, new Request("kms:Decrypt",
                        source.keyArn(), context(r, src, from)), src, source.keyPolicy(), true));
                for (String a : List.of("kms:Encrypt", "kms:GenerateDataKey")) {
                    cases.add(new Case(r.label() + " " + a + " its replica's key through S3", r, new Request(a,
                            copy.keyArn(), context(r, dst, to)), dst, copy.keyPolicy(), true));
                    cases.add(new Case(r.label() + " " + a + " its replica's key, not through S3", r, new Request(a,
                            copy.keyArn(), context(r, dst, Map.of("kms:ResourceAliases", copy.alias()))), dst, copy.keyPolicy(), false));
                }
                cases.add(new Case(r.label() + " Decrypt its replica's key through S3", r, new Request("kms:Decrypt",
                        copy.keyArn(), context(r, dst, to)), dst, copy.keyPolicy(), false));
                cases.add(new Case(r.label() + " Decrypt its bucket's key, not through S3", r, new Request("kms:Decrypt",
                        source.keyArn(), context(r, src, Map.of())), src, source.keyPolicy(), false));
                cases.add(new Case(r.label() + " Decrypt its bucket's key for another bucket", r, new Request("kms:Decrypt",
                        source.keyArn(), context(r, src, Map.of("kms:ViaService", "s3." + c.region() + ".amazonaws.com",
                                "kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::another-bucket"))), src, source.keyPolicy(), false));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replicaFleets")
    void theReplicationRoleMayCopyFromItsBucketIntoItsReplicaAndNothingElse(Path file) throws IOException {
        use(file);
        FleetAccountsTest.judged("replication", file, replicationCases());
    }

    static List<Case> drCases() {
        List<Case> cases = new ArrayList<>();
        for (Cluster d : clusters()) {
            if (!readsReplica(d)) {
                continue;
            }
            Caller dr = role(d.name());
            for (Cluster c : replicated()) {
                String replica = bucketOf(c) + "-replica";
                Held copy = heldBucket(replica);
                String dst = replicaHolder(c);
                String arn = "arn:aws:s3:::" + replica;
                boolean restores = d.sources().contains(c.name());
                String backup = arn + "/" + c.prefix() + "/backups/nightly/velero-backup.json";
                String what = d.name() + " on the replica of " + c.name() + "'s backups: ";
                cases.add(new Case(what + "GetObject", dr, new Request("s3:GetObject", backup, context(dr, dst, Map.of())),
                        dst, copy.bucketPolicy(), restores));
                cases.add(new Case(what + "ListBucket its prefix", dr, new Request("s3:ListBucket", arn, context(dr, dst,
                        Map.of("s3:prefix", c.prefix() + "/backups/"))), dst, copy.bucketPolicy(), restores));
                cases.add(new Case(what + "ListBucket the root", dr, new Request("s3:ListBucket", arn, context(dr, dst,
                        Map.of("s3:prefix", ""))), dst, copy.bucketPolicy(), false));
                cases.add(new Case(what + "PutObject a restore's log", dr, new Request("s3:PutObject", arn + "/" + c.prefix()
                        + "/restores/r1/restore-r1-logs.gz", context(dr, dst, Map.of())), dst, copy.bucketPolicy(), restores));
                for (String a : List.of("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention")) {
                    cases.add(new Case(what + a + " a backup", dr, new Request(a, backup, context(dr, dst, Map.of())), dst,
                            copy.bucketPolicy(), false));
                }
                cases.add(new Case(what + "PutObject elsewhere under restores/", dr, new Request("s3:PutObject", arn + "/"
                        + c.prefix() + "/restores/r1/other.json", context(dr, dst, Map.of())), dst, copy.bucketPolicy(), false));
                // The bucket itself, in the region that may be down: not the DR cluster's.
                Held primary = heldBucket(bucketOf(c));
                cases.add(new Case(d.name() + " GetObject " + c.name() + "'s backup in the bucket itself", dr, new Request(
                        "s3:GetObject", "arn:aws:s3:::" + bucketOf(c) + "/" + c.prefix() + "/backups/nightly/velero-backup.json",
                        context(dr, holder(c), Map.of())), holder(c), primary.bucketPolicy(), false));
                if (copy.keyPolicy() != null) {
                    Map<String, String> kms = Map.of("kms:ViaService", "s3." + replicaRegion() + ".amazonaws.com",
                            "kms:EncryptionContext:aws:s3:arn", arn, "kms:ResourceAliases", copy.alias());
                    // The key is the replica's, not a prefix's: S3 alone (ViaService) narrows it to the prefixes above.
                    boolean ofThisReplica = d.sources().stream().anyMatch(s -> bucketOf(cluster(s)).equals(bucketOf(c)));
                    cases.add(new Case(what + "Decrypt through S3", dr, new Request("kms:Decrypt", copy.keyArn(),
                            context(dr, dst, kms)), dst, copy.keyPolicy(), ofThisReplica));
                    cases.add(new Case(what + "Decrypt, not through S3", dr, new Request("kms:Decrypt", copy.keyArn(),
                            context(dr, dst, Map.of("kms:ResourceAliases", copy.alias()))), dst, copy.keyPolicy(), false));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replicaFleets")
    void aDrClusterReadsItsSourcesInTheReplicaAndWritesThereOnlyARestoresOwnFiles(Path file) throws IOException {
        use(file);
        List<Case> cases = drCases();
        FleetAccountsTest.judged("dr", file, cases);
        assertThat(cases.stream().filter(Case::allowed)).as("the DR cluster reads something").isNotEmpty();
    }

    // ---- changes: replication and Object Lock on and off replace and remove nothing ----

    static Stream<Arguments> toggles() throws IOException {
        Map<String, UnaryOperator<ObjectNode>> edits = new LinkedHashMap<>();
        edits.put("replica off", c -> {
            c.remove("replica");
            return c;
        });
        edits.put("Object Lock off", c -> {
            ((ObjectNode) c.get("replica")).remove("objectLock");
            return c;
        });
        edits.put("Object Lock COMPLIANCE for 365 days", c -> {
            ((ObjectNode) c.get("replica")).putObject("objectLock").put("mode", "COMPLIANCE").put("days", 365);
            return c;
        });
        edits.put("Replication Time Control flipped", c -> {
            ((ObjectNode) c.get("replica")).put("replicationTimeControl", !c.at("/replica/replicationTimeControl").asBoolean());
            return c;
        });
        return replicaFleets().flatMap(f -> edits.entrySet().stream().flatMap(e -> Stream.of(
                Arguments.of(f.getFileName().toString(), e.getKey() + " (turned on)", f, e.getValue(), true),
                Arguments.of(f.getFileName().toString(), e.getKey(), f, e.getValue(), false))));
    }

    /** A fleet's buckets and keys, by stack and logical ID, with their properties and policies. */
    static Map<String, JsonNode> keptResources(String configJson) {
        AppRun run = AppRun.of(configJson, null, null);
        assertThat(run.status()).as(run.err()).isZero();
        Map<String, JsonNode> out = new TreeMap<>();
        run.json("manifest.json").get("artifacts").properties().forEach(a -> {
            if (a.getValue().path("type").asText().equals("aws:cloudformation:stack")) {
                run.template(a.getKey()).get("Resources").properties().forEach(r -> {
                    String type = r.getValue().get("Type").asText();
                    if (type.equals("AWS::S3::Bucket") || type.equals("AWS::KMS::Key")) {
                        out.put(a.getKey() + "/" + r.getKey(), r.getValue());
                    }
                });
            }
        });
        return out;
    }

    /**
     * The properties a change of replication and Object Lock may change, each with no interruption
     * (CloudFormation's resource reference): a bucket's replication and Object Lock rule, a key's
     * policy (a DR cluster reads the bucket itself when there is no replica).
     */
    static final List<String> IN_PLACE = List.of("ReplicationConfiguration", "ObjectLockConfiguration", "KeyPolicy");

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("toggles")
    void turningReplicationOrObjectLockOnOrOffReplacesAndRemovesNoBucketAndNoKey(String name, String edit, Path file,
            UnaryOperator<ObjectNode> change, boolean turnOn) throws IOException {
        String with = Files.readString(file);
        String without = change.apply((ObjectNode) TestApps.JSON.readTree(with)).toString();
        Map<String, JsonNode> before = keptResources(turnOn ? without : with);
        Map<String, JsonNode> after = keptResources(turnOn ? with : without);
        before.forEach((id, r) -> {
            JsonNode then = after.get(id);
            if (then == null) {
                // A replica whose stack or place the change takes away: CloudFormation leaves it, with its objects.
                assertThat(turnOn).as("%s goes only when the replica is turned off", id).isFalse();
                assertThat(edit).isEqualTo("replica off");
                assertThat(id.substring(id.indexOf('/') + 1)).as("a replica's bucket or key").startsWith("ReplicaOf");
                assertThat(r.path("DeletionPolicy").asText()).as(id).isEqualTo("Retain");
                return;
            }
            ObjectNode a = ((ObjectNode) r.get("Properties")).deepCopy();
            ObjectNode b = ((ObjectNode) then.get("Properties")).deepCopy();
            a.remove(IN_PLACE);
            b.remove(IN_PLACE);
            assertThat(b).as("%s: every property but %s the same", id, IN_PLACE).isEqualTo(a);
            assertThat(r.get("Type").asText()).isEqualTo(then.get("Type").asText());
            assertThat(then.path("DeletionPolicy").asText()).isEqualTo("Retain");
            assertThat(then.path("UpdateReplacePolicy").asText()).isEqualTo("Retain");
        });
    }

    // ---- bad input ----

    static String fleet(String change, boolean ebs) {
        return "{" + change + (ebs ? "" : "\"ebsSnapshots\": false, ") + "\"clusters\": ["
                + "{\"name\": \"prod\", \"account\": \"111111111111\", \"oidcIssuer\": \"https://oidc.eks.us-east-1.amazonaws.com/id/A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1\"},"
                + "{\"name\": \"dr\", \"account\": \"111111111111\", \"restoreOnly\": true, \"restoresFrom\": [\"prod\"],"
                + " \"oidcIssuer\": \"https://oidc.eks.us-west-2.amazonaws.com/id/B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1\"}]}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no region| \"replica\": {\"account\": \"555566667777\"},| replica.region: missing",
        "not a region| \"replica\": {\"region\": \"mars-1\"},| replica.region: \"mars-1\" is not an AWS region",
        "a region where a cluster backs up| \"replica\": {\"region\": \"us-east-1\"},| replica.region: \"us-east-1\" is the region of clusters[0] (\"prod\"), which backs up there",
        "an account not 12 digits| \"replica\": {\"region\": \"us-west-2\", \"account\": \"5555\"},| replica.account: \"5555\" is not an AWS account ID",
        "an Object Lock mode S3 does not have| \"replica\": {\"region\": \"us-west-2\", \"objectLock\": {\"mode\": \"LEGAL\", \"days\": 7}},| replica.objectLock.mode: ",
        "no Object Lock days| \"replica\": {\"region\": \"us-west-2\", \"objectLock\": {\"mode\": \"GOVERNANCE\"}},| replica.objectLock.days: missing",
        "zero Object Lock days| \"replica\": {\"region\": \"us-west-2\", \"objectLock\": {\"mode\": \"GOVERNANCE\", \"days\": 0}},| replica.objectLock.days: 0 is out of range",
        "isolation SHARED| \"replica\": {\"region\": \"us-west-2\"}, \"isolation\": \"SHARED\",| isolation: SHARED with a replica",
        "a bucket name too long for its replica| \"replica\": {\"region\": \"us-west-2\"}, \"bucketName\": \"a-base-name-of-thirty-five-chars-xx\",| bucketName: \"a-base-name-of-thirty-five-chars-xx\" starts the name of the replica of the bucket of account 111111111111 in us-east-1",
    })
    void aReplicaMistakeIsOneLineNamingTheFieldAndWritesNothing(String what, String change, String expected) {
        AppRun run = AppRun.of(fleet(change, false), null, null);
        assertThat(run.status()).as(what).isEqualTo(1);
        assertThat(run.err()).as(what).startsWith("velero-irsa: invalid configuration (context velero): " + expected)
                .doesNotContain("Exception").hasLineCount(1);
        assertThat(run.files().stream().filter(f -> f.endsWith(".template.json"))).as(what).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aReplicaWithoutClusterAccountsIsNamed() {
        AppRun run = AppRun.of("{\"replica\": {\"region\": \"us-west-2\"}, \"clusters\": [{\"name\": \"a\","
                + " \"oidcIssuer\": \"https://oidc.eks.us-east-1.amazonaws.com/id/A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1\"}]}", null, null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): replica: is set, but no"
                + " cluster names its account").hasLineCount(1);
    }

    @org.junit.jupiter.api.Test
    void aDrClusterOfABucketWhoseVolumesAreEbsSnapshotsIsOneErrorNamingBothClustersAndTheWaysOut() {
        AppRun run = AppRun.of(fleet("\"replica\": {\"region\": \"us-west-2\"}, ", true), null, null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters[1].restoresFrom[0]:"
                + " cluster \"dr\" in us-west-2 restores from cluster \"prod\" in us-east-1, whose volumes are backed up as"
                + " EBS snapshots").contains("ebsSnapshots false").contains("snapshotMoveData true").hasLineCount(1);
        // Either way out synthesizes.
        assertThat(AppRun.of(fleet("\"replica\": {\"region\": \"us-west-2\"}, \"snapshotMoveData\": true, ", true), null, null)
                .status()).isZero();
        assertThat(AppRun.of(fleet("\"replica\": {\"region\": \"us-west-2\"}, ", false), null, null).status()).isZero();
    }
}
