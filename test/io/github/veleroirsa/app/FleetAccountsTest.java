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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;

/**
 * A fleet in accounts (test/fleets/accounts.json): three workload accounts in two regions, a
 * central backup account, restores across accounts. What the stacks hold is read from the
 * synthesized assembly and compared with what the configuration says; who may do what is
 * decided by evaluating requests against both halves of cross-account access, the identity
 * policies in the role's account and the bucket and key policies in the backup account, by our
 * evaluator and by the IAM simulator.
 */
class FleetAccountsTest {
    static final Path CONFIG = Path.of("test", "fleets", "accounts.json");

    /** A fleet's configuration and what the app made of it: each stack's template and environment. */
    record Fleet(Path file, JsonNode config, AppRun run, Map<String, JsonNode> templates, Map<String, String> environments) {
        String backupAccount() {
            return config.path("backupAccount").asText(null);
        }
    }

    static final Map<Path, Fleet> FLEETS = new HashMap<>();
    /** The fleet the helpers below read: each test sets it first. */
    static JsonNode config;
    static Map<String, JsonNode> templates;
    static Map<String, String> environments;

    static Stream<Path> fleets() throws IOException {
        try (Stream<Path> files = Files.list(CONFIG.getParent())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    /** Synthesizes a fleet once, and makes it the one the helpers read. */
    static Fleet use(Path file) {
        Fleet f = FLEETS.computeIfAbsent(file, FleetAccountsTest::synthesize);
        config = f.config();
        templates = f.templates();
        environments = f.environments();
        return f;
    }

    static Fleet synthesize(Path file) {
        try {
            JsonNode json = TestApps.JSON.readTree(file.toFile());
            AppRun run = AppRun.of(Files.readString(file), null, null);
            assertThat(run.status()).as(run.err()).isZero();
            Map<String, JsonNode> t = new TreeMap<>();
            Map<String, String> env = new TreeMap<>();
            run.json("manifest.json").get("artifacts").properties().forEach(e -> {
                if (e.getValue().path("type").asText().equals("aws:cloudformation:stack")) {
                    env.put(e.getKey(), e.getValue().get("environment").asText());
                    t.put(e.getKey(), run.template(e.getKey()));
                }
            });
            return new Fleet(file, json, run, t, env);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A cluster of the configuration: where it runs, as its issuer and account say. */
    record Cluster(String name, String account, String region, String prefix, List<String> sources, boolean restoreOnly) {}

    static List<Cluster> clusters() {
        List<Cluster> out = new ArrayList<>();
        for (JsonNode c : config.get("clusters")) {
            String region = c.get("oidcIssuer").asText().replaceAll("https://oidc\\.eks\\.([a-z0-9-]+)\\.amazonaws\\.com/.*", "$1");
            List<String> sources = new ArrayList<>();
            c.path("restoresFrom").forEach(s -> sources.add(s.asText()));
            out.add(new Cluster(c.get("name").asText(), c.get("account").asText(), region, c.path("prefix").asText(
                    c.get("name").asText()), sources, c.path("restoreOnly").asBoolean()));
        }
        return out;
    }

    /** A flag's value in a command line, as sh reads it: a deploy-time value is single-quoted. */
    static String flag(String command, String flag) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" " + flag + " ('[^']*'|[^ ]+)").matcher(command);
        assertThat(m.find()).as("%s in %s", flag, command).isTrue();
        return m.group(1).replace("'", "");
    }

    /** The account that holds a cluster's bucket: the backup account, else its own. */
    static String holder(Cluster c) {
        return config.has("backupAccount") ? config.get("backupAccount").asText() : c.account();
    }

    /** The replica's region, or {@code null} for a fleet without one. */
    static String replicaRegion() {
        return config.has("replica") ? config.at("/replica/region").asText() : null;
    }

    /** Whether a cluster restores from the replica: it runs in the replica's region. */
    static boolean readsReplica(Cluster c) {
        return c.region().equals(replicaRegion());
    }

    /** The account that holds the replica of a cluster's bucket: the replica's, else the bucket's. */
    static String replicaHolder(Cluster c) {
        return config.at("/replica/account").asText(holder(c));
    }

    static Cluster cluster(String name) {
        return clusters().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** Each cluster's wiring, with the stack whose outputs hold it. */
    static Map<String, Map.Entry<String, JsonNode>> wirings() {
        Map<String, Map.Entry<String, JsonNode>> out = new HashMap<>();
        templates.forEach((stack, t) -> WiringOutputs.byCluster(t).forEach((name, w) -> out.put(name, Map.entry(stack, w))));
        return out;
    }

    /** The bucket resources of the whole assembly, by bucket name: their stack. */
    static Map<String, String> buckets() {
        Map<String, String> out = new TreeMap<>();
        templates.forEach((stack, t) -> t.get("Resources").forEach(r -> {
            if (r.get("Type").asText().equals("AWS::S3::Bucket")) {
                out.put(r.at("/Properties/BucketName").asText(), stack);
            }
        }));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fleets")
    void aStackPerAccountAndRegionEachPinnedWithItsClustersRolesAndTheBucketsOnlyInTheBackupAccount(Path file) {
        use(file);
        TreeSet<String> want = new TreeSet<>();
        for (Cluster c : clusters()) {
            want.add("aws://" + c.account() + "/" + c.region());
            if (!c.restoreOnly()) {
                want.add("aws://" + holder(c) + "/" + c.region());
                if (replicaRegion() != null) {
                    want.add("aws://" + replicaHolder(c) + "/" + replicaRegion());
                }
            }
        }
        assertThat(new TreeSet<>(environments.values())).as("one stack per account and region").isEqualTo(want);
        environments.forEach((stack, env) -> assertThat(stack).as("the stack's name says where it is")
                .endsWith("-" + env.substring("aws://".length()).replace('/', '-')));

        Map<String, Map.Entry<String, JsonNode>> wirings = wirings();
        Map<String, String> buckets = buckets();
        if (config.has("backupAccount")) {
            assertThat(buckets.entrySet()).as("buckets only in the backup account's stacks, replicas in the replica's")
                    .allMatch(b -> environments.get(b.getValue()).startsWith("aws://" + (b.getKey().endsWith("-replica")
                            ? config.at("/replica/account").asText(config.get("backupAccount").asText())
                            : config.get("backupAccount").asText()) + "/"));
        }
        for (Cluster c : clusters()) {
            var entry = wirings.get(c.name());
            assertThat(entry).as("cluster %s has its wiring", c.name()).isNotNull();
            assertThat(environments.get(entry.getKey())).as("cluster %s's wiring is in its own account's stack", c.name())
                    .isEqualTo("aws://" + c.account() + "/" + c.region());
            JsonNode w = entry.getValue();
            assertThat(w.get("roleArn").asText()).as("cluster %s's role is in its account", c.name())
                    .startsWith("arn:aws:iam::" + c.account() + ":role/");
            // The role itself is a resource of that stack, under the name its ARN gives.
            String roleName = w.get("roleArn").asText().substring(w.get("roleArn").asText().lastIndexOf('/') + 1);
            List<String> roleNames = new ArrayList<>();
            templates.get(entry.getKey()).get("Resources").forEach(r -> {
                if (r.get("Type").asText().equals("AWS::IAM::Role")) {
                    roleNames.add(r.at("/Properties/RoleName").asText());
                }
            });
            assertThat(roleNames).contains(roleName);
            String install = w.get("veleroInstall").asText();
            if (c.restoreOnly()) {
                assertThat(install).contains("--no-default-backup-location");
            } else {
                String bucket = flag(install, "--bucket");
                assertThat(buckets).as("cluster %s writes to a bucket of the fleet", c.name()).containsKey(bucket);
                assertThat(environments.get(buckets.get(bucket))).as("in the backup account, else its own, in its region")
                        .isEqualTo("aws://" + holder(c) + "/" + c.region());
                assertThat(install).contains("--backup-location-config region=" + c.region());
            }
            // Each source's ReadOnly location names the source's bucket and region.
            for (String source : c.sources()) {
                String create = null;
                for (JsonNode l : w.path("veleroBackupLocations")) {
                    if (l.asText().startsWith("velero backup-location create " + source + " ")) {
                        create = l.asText();
                    }
                }
                assertThat(create).as("cluster %s has a location for source %s", c.name(), source).isNotNull();
                String bucket = flag(create, "--bucket");
                // A DR cluster, in the replica's region, reads the replica of the source's bucket there.
                String sourceBucket = flag(wirings.get(source).getValue().get("veleroInstall").asText(), "--bucket");
                assertThat(bucket).isEqualTo(readsReplica(c) ? sourceBucket + "-replica" : sourceBucket);
                assertThat(buckets).as("cluster %s's source %s is in a bucket of the fleet", c.name(), source).containsKey(bucket);
                assertThat(create).contains("--config region=" + (readsReplica(c) ? replicaRegion() : cluster(source).region()))
                        .contains("--access-mode ReadOnly");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fleets")
    void everyStackIsCleanOfCdkNagFindings(Path file) {
        use(file);
        App app = ConfigMatrix.app();
        List<VeleroStack> stacks = VeleroApp.stacks(app, ConfigMatrix.config(file), null, null);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        app.synth();
        assertThat(stacks).hasSize(environments.size());
        for (VeleroStack stack : stacks) {
            assertThat(NagTest.findings(stack)).as(stack.getStackName()).isEmpty();
        }
    }

    // ---- who may do what: both halves of cross-account access ----

    /** A principal asking: its ARN, its account, and its identity policies (resolved). */
    record Caller(String label, String arn, List<JsonNode> policies) {
        String account() {
            return arn.split(":")[4];
        }
    }

    /** Every intrinsic of a stack's template written out as a deploy of it would give it. */
    static java.util.function.Function<String, String> values(String stack) {
        JsonNode t = templates.get(stack);
        String env = environments.get(stack).substring("aws://".length());
        Map<String, String> v = new HashMap<>(Intrinsics.SAMPLE);
        v.put("AWS::AccountId", env.split("/")[0]);
        v.put("AWS::Region", env.split("/")[1]);
        t.get("Resources").properties().forEach(e -> {
            JsonNode r = e.getValue();
            String type = r.get("Type").asText();
            if (type.equals("AWS::S3::Bucket")) {
                v.put(e.getKey(), r.at("/Properties/BucketName").asText());
                v.put(e.getKey() + ".Arn", "arn:aws:s3:::" + r.at("/Properties/BucketName").asText());
            } else if (type.equals("AWS::IAM::ManagedPolicy")) {
                v.put(e.getKey(), "arn:aws:iam::" + v.get("AWS::AccountId") + ":policy/" + e.getKey());
            } else if (type.equals("AWS::IAM::OIDCProvider")) {
                v.put(e.getKey(), "arn:aws:iam::" + v.get("AWS::AccountId") + ":oidc-provider/" + e.getKey());
            } else if (type.equals("AWS::KMS::Key")) {
                v.put(e.getKey() + ".Arn", keyArn(env, e.getKey()));
            }
        });
        return v::get;
    }

    /** The ARN a key would get: its account and region, an ID from its logical ID. */
    static String keyArn(String env, String logicalId) {
        return "arn:aws:kms:" + env.split("/")[1] + ":" + env.split("/")[0] + ":key/"
                + String.format("%08x-0000-0000-0000-000000000000", logicalId.hashCode());
    }

    /** A listed cluster's role: its identity policies as its stack holds them. */
    static Caller role(String clusterName) {
        var entry = wirings().get(clusterName);
        String stack = entry.getKey();
        String arn = entry.getValue().get("roleArn").asText();
        JsonNode t = templates.get(stack);
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        var values = values(stack);
        List<JsonNode> policies = new ArrayList<>();
        t.get("Resources").forEach(r -> {
            if (r.get("Type").asText().equals("AWS::IAM::Role") && r.at("/Properties/RoleName").asText().equals(name)) {
                r.at("/Properties/ManagedPolicyArns").forEach(ref -> policies.add(Intrinsics.resolveAll(
                        t.at("/Resources/" + ref.get("Ref").asText() + "/Properties/PolicyDocument"), values)));
                r.at("/Properties/Policies").forEach(p -> policies.add(Intrinsics.resolveAll(p.get("PolicyDocument"), values)));
            }
        });
        assertThat(policies).as("the policies of %s", arn).isNotEmpty();
        return new Caller(clusterName + "'s role", arn, policies);
    }

    /** A principal with every S3 and KMS right in its own account's policies: only a resource policy can stop it. */
    static Caller admin(String label, String arn) {
        JsonNode all = TestApps.JSON.valueToTree(Map.of("Version", "2012-10-17", "Statement", List.of(
                Map.of("Effect", "Allow", "Action", List.of("s3:*", "kms:*"), "Resource", "*"))));
        return new Caller(label, arn, List.of(all));
    }

    /** The bucket of a cluster's writes, the backup stack that holds it, its policy and its key's policy, resolved. */
    record Held(String bucket, String stack, JsonNode bucketPolicy, JsonNode keyPolicy, String keyArn, String alias) {}

    static Held held(String clusterName) {
        String install = wirings().get(clusterName).getValue().get("veleroInstall").asText();
        return heldBucket(flag(install, "--bucket"));
    }

    /** A bucket of the fleet by name: its stack, its policy and its key's policy, resolved. */
    static Held heldBucket(String bucket) {
        String stack = buckets().get(bucket);
        JsonNode t = templates.get(stack);
        var values = values(stack);
        String bucketId = null;
        for (var e : t.get("Resources").properties()) {
            if (e.getValue().get("Type").asText().equals("AWS::S3::Bucket")
                    && e.getValue().at("/Properties/BucketName").asText().equals(bucket)) {
                bucketId = e.getKey();
            }
        }
        JsonNode policy = null;
        JsonNode keyPolicy = null;
        String keyArn = null;
        String alias = null;
        for (var e : t.get("Resources").properties()) {
            JsonNode r = e.getValue();
            if (r.get("Type").asText().equals("AWS::S3::BucketPolicy") && r.at("/Properties/Bucket/Ref").asText().equals(bucketId)) {
                policy = Intrinsics.resolveAll(r.at("/Properties/PolicyDocument"), values);
            }
            String kmsId = t.at("/Resources/" + bucketId + "/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0"
                    + "/ServerSideEncryptionByDefault/KMSMasterKeyID/Fn::GetAtt/0").asText();
            if (e.getKey().equals(kmsId)) {
                keyPolicy = Intrinsics.resolveAll(r.at("/Properties/KeyPolicy"), values);
                keyArn = values.apply(kmsId + ".Arn");
            }
            if (r.get("Type").asText().equals("AWS::KMS::Alias") && r.at("/Properties/TargetKeyId/Fn::GetAtt/0").asText().equals(kmsId)) {
                alias = r.at("/Properties/AliasName").asText();
            }
        }
        assertThat(policy).as("the policy of bucket %s", bucket).isNotNull();
        if (kmsIdOf(t, bucketId) != null) {
            // The bucket refers to its key: the key's policy may refer to no resource (CloudFormation refuses a cycle).
            String raw = t.at("/Resources/" + kmsIdOf(t, bucketId) + "/Properties/KeyPolicy").toString();
            assertThat(raw).as("the key policy of bucket %s", bucket).doesNotContain("Fn::GetAtt").doesNotContain("\"Ref\":\"" + bucketId);
        }
        return new Held(bucket, stack, policy, keyPolicy, keyArn, alias);
    }

    static String kmsIdOf(JsonNode t, String bucketId) {
        String id = t.at("/Resources/" + bucketId + "/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0"
                + "/ServerSideEncryptionByDefault/KMSMasterKeyID/Fn::GetAtt/0").asText();
        return id.isEmpty() ? null : id;
    }

    /** One request and the decision expected of it. */
    record Case(String what, Caller caller, Request request, String resourceAccount, JsonNode resourcePolicy, boolean allowed) {}

    static Map<String, String> context(Caller caller, String resourceAccount, Map<String, String> more) {
        Map<String, String> c = new LinkedHashMap<>(more);
        c.put("aws:PrincipalArn", caller.arn());
        c.put("aws:PrincipalAccount", caller.account());
        c.put("aws:SecureTransport", "true");
        c.put("aws:ResourceAccount", resourceAccount);
        return c;
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Cluster c : clusters()) {
            if (c.restoreOnly()) {
                continue;
            }
            String backup = holder(c);
            Held h = held(c.name());
            Caller own = role(c.name());
            String obj = "arn:aws:s3:::" + h.bucket() + "/" + c.prefix() + "/backups/nightly/velero-backup.json";
            String bucketArn = "arn:aws:s3:::" + h.bucket();
            Map<String, String> kms = h.alias() == null ? Map.of() : Map.of("kms:ViaService", "s3." + c.region() + ".amazonaws.com",
                    "kms:EncryptionContext:aws:s3:arn", bucketArn, "kms:ResourceAliases", h.alias());
            // A stranger in the bucket's own account with S3 rights of its own reaches it, as in
            // any account (the README says so: the backup account keeps workload admins out);
            // in another account, nothing reaches it but the grants.
            List<Caller> strangers = List.of(
                    admin("an unlisted role of account " + c.account(), "arn:aws:iam::" + c.account() + ":role/admin"),
                    admin("a role of an unlisted account, the same name", own.arn().replace(c.account(), "444455556666")));
            for (String action : List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject")) {
                cases.add(new Case(c.name() + " " + action + " own prefix", own, new Request(action, obj,
                        context(own, backup, Map.of())), backup, h.bucketPolicy(), true));
                for (Caller s : strangers) {
                    cases.add(new Case(s.label() + " " + action + " " + c.name() + "'s prefix", s, new Request(action, obj,
                            context(s, backup, Map.of())), backup, h.bucketPolicy(), s.account().equals(backup)));
                }
            }
            cases.add(new Case(c.name() + " lists own prefix", own, new Request("s3:ListBucket", bucketArn,
                    context(own, backup, Map.of("s3:prefix", c.prefix() + "/backups/"))), backup, h.bucketPolicy(), true));
            cases.add(new Case(c.name() + " lists the bucket's root", own, new Request("s3:ListBucket", bucketArn,
                    context(own, backup, Map.of("s3:prefix", ""))), backup, h.bucketPolicy(), false));
            cases.add(new Case(c.name() + " PutObject another prefix of its bucket", own, new Request("s3:PutObject",
                    bucketArn + "/other/backups/x", context(own, backup, Map.of())), backup, h.bucketPolicy(), false));
            if (h.keyPolicy() != null) {
                for (String action : List.of("kms:GenerateDataKey", "kms:Decrypt")) {
                    cases.add(new Case(c.name() + " " + action + " its bucket's key through S3", own, new Request(action,
                            h.keyArn(), context(own, backup, kms)), backup, h.keyPolicy(), true));
                    cases.add(new Case(c.name() + " " + action + " its bucket's key, not through S3", own, new Request(
                            action, h.keyArn(), context(own, backup, Map.of("kms:ResourceAliases", h.alias()))), backup, h.keyPolicy(), false));
                    for (Caller s : strangers) {
                        cases.add(new Case(s.label() + " " + action + " " + c.name() + "'s bucket key through S3", s,
                                new Request(action, h.keyArn(), context(s, backup, kms)), backup, h.keyPolicy(),
                                s.account().equals(backup)));
                    }
                }
            }
            // Other clusters: another cluster's prefix is out of reach, unless it restores from it (read only).
            for (Cluster o : clusters()) {
                if (o.name().equals(c.name())) {
                    continue;
                }
                Caller other = role(o.name());
                // A DR cluster restores from the replica, never from the bucket itself.
                boolean restores = o.sources().contains(c.name()) && !readsReplica(o);
                cases.add(new Case(o.name() + " GetObject " + c.name() + "'s backup", other, new Request("s3:GetObject", obj,
                        context(other, backup, Map.of())), backup, h.bucketPolicy(), restores));
                cases.add(new Case(o.name() + " lists " + c.name() + "'s prefix", other, new Request("s3:ListBucket",
                        bucketArn, context(other, backup, Map.of("s3:prefix", c.prefix() + "/backups/"))), backup, h.bucketPolicy(), restores));
                cases.add(new Case(o.name() + " DeleteObject " + c.name() + "'s backup", other, new Request("s3:DeleteObject",
                        obj, context(other, backup, Map.of())), backup, h.bucketPolicy(), false));
                cases.add(new Case(o.name() + " PutObject " + c.name() + "'s backup", other, new Request("s3:PutObject",
                        obj, context(other, backup, Map.of())), backup, h.bucketPolicy(), false));
                cases.add(new Case(o.name() + " writes a restore log under " + c.name() + "'s prefix", other, new Request(
                        "s3:PutObject", "arn:aws:s3:::" + h.bucket() + "/" + c.prefix() + "/restores/r1/restore-r1-logs.gz",
                        context(other, backup, Map.of())), backup, h.bucketPolicy(), restores));
                if (h.keyPolicy() != null) {
                    // The key is the bucket's, not a prefix's: a cluster of the same bucket has it too, and S3
                    // (ViaService) narrows it to the prefixes above.
                    boolean sameBucket = !o.restoreOnly() && held(o.name()).bucket().equals(h.bucket());
                    cases.add(new Case(o.name() + " Decrypt " + c.name() + "'s bucket key through S3", other, new Request(
                            "kms:Decrypt", h.keyArn(), context(other, backup, kms)), backup, h.keyPolicy(), restores || sameBucket));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fleets")
    void aRequestIsAllowedOnlyWhereTheIdentityPolicyAndTheBucketOrKeyPolicyBothAllowIt(Path file) throws IOException {
        use(file);
        List<Case> cases = cases();
        judged("fleet", file, cases);
        assertThat(cases.stream().filter(Case::allowed)).as("some cases are allowed").isNotEmpty();
    }

    /** Judges the cases of a fleet ({@link #judge}) into {@code target/policy-tables/<kind>-<fleet>.md}: none decided otherwise. */
    static void judged(String kind, Path fleet, List<Case> cases) throws IOException {
        Path out = Path.of("target", "policy-tables", kind + "-" + fleet.getFileName().toString().replace(".json", ".md"));
        assertThat(judge(cases, out)).as("decisions (%d cases; table in %s)", cases.size(), out).isEmpty();
    }

    /** The bucket a cluster backs up to, as the README's plan names it: {@code <bucketName>-<account>-<region>}. */
    static String bucketOf(Cluster c) {
        return config.path("bucketName").asText("velero-backups") + "-" + c.account() + "-" + c.region();
    }

    /**
     * Judges every case by our evaluator and by the simulator, as IAM would: identity policies
     * and the resource's policy, in its account. Writes the table to {@code out}.
     *
     * @return the cases either judge decides otherwise than expected
     */
    static List<String> judge(List<Case> cases, Path out) throws IOException {
        List<String> wrong = new ArrayList<>();
        StringBuilder table = new StringBuilder("| who | request | resource | our evaluator | simulator |\n| --- | --- | --- | --- | --- |\n");
        // It drops kms:EncryptionContext:aws:s3:arn (IamSimulator's note): requests that carry it
        // are our evaluator's alone.
        Map<String, String> simulated = new HashMap<>();
        for (Case k : cases) {
            if (k.request().context().containsKey("kms:EncryptionContext:aws:s3:arn")) {
                simulated.put(k.what(), "not judged");
                continue;
            }
            List<String> v = IamSimulator.verdicts(k.caller().arn(), k.caller().policies(), k.resourcePolicy(),
                    k.resourceAccount(), List.of(new IamSimulator.Call(k.request().action(), k.request().resource(),
                            k.request().context())));
            simulated.put(k.what(), v.get(0));
        }
        for (Case k : cases) {
            List<PolicyEvaluator> identity = k.caller().policies().stream().map(p -> new PolicyEvaluator(p, x -> null)).toList();
            boolean ours = PolicyEvaluator.allowsAcrossAccounts(identity, k.resourcePolicy() == null ? null
                    : new PolicyEvaluator(k.resourcePolicy(), x -> null),
                    k.resourceAccount(), k.request());
            String sim = simulated.get(k.what());
            boolean theirs = sim.equals("not judged") ? k.allowed() : sim.equals("Allowed");
            if (ours != k.allowed() || theirs != k.allowed() || sim.startsWith("error")) {
                wrong.add(k.what() + ": expected " + (k.allowed() ? "allowed" : "denied") + ", our evaluator "
                        + (ours ? "allowed" : "denied") + ", simulator " + sim);
            }
            table.append("| ").append(k.caller().arn()).append(" | ").append(k.request().action()).append(" | ")
                    .append(k.request().resource()).append(k.request().context().containsKey("s3:prefix")
                            ? " (prefix " + k.request().context().get("s3:prefix") + ")" : "")
                    .append(" | ").append(ours ? "allowed" : "denied").append(" | ").append(sim).append(" |\n");
        }
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        return wrong;
    }

    // ---- the last mile: the real velero CLI and Helm chart ----

    /** The backup storage locations a client's objects hold, by name: bucket, prefix, region, access mode. */
    static Map<String, List<String>> locations(List<JsonNode> objects) {
        Map<String, List<String>> out = new TreeMap<>();
        for (JsonNode o : objects) {
            if (o.path("kind").asText().equals("BackupStorageLocation")) {
                JsonNode spec = o.get("spec");
                out.put(o.at("/metadata/name").asText(), List.of(spec.at("/objectStorage/bucket").asText(),
                        spec.at("/objectStorage/prefix").asText(), spec.at("/config/region").asText(),
                        spec.path("accessMode").asText("ReadWrite")));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fleets")
    void theRealVeleroCliAndChartPutEachClusterOnItsBucketAndItsSourcesOnTheirsInTheirRegions(Path file) throws IOException {
        use(file);
        WiringClientsTest.findTheClients();
        WiringClientsTest clients = new WiringClientsTest();
        Map<String, Map.Entry<String, JsonNode>> wirings = wirings();
        for (Cluster c : clusters()) {
            JsonNode w = wirings.get(c.name()).getValue();
            // What the README's plan names: the bucket of an account's clusters in a region.
            Map<String, List<String>> want = new TreeMap<>();
            if (!c.restoreOnly()) {
                want.put("default", List.of(bucketOf(c), c.prefix(), c.region(), "ReadWrite"));
            }
            for (String s : c.sources()) {
                Cluster source = cluster(s);
                // A DR cluster's: the replica of the source's bucket, in the replica's region.
                String bucket = bucketOf(source);
                want.put(s, readsReplica(c) ? List.of(bucket + "-replica", source.prefix(), replicaRegion(), "ReadOnly")
                        : List.of(bucket, source.prefix(), source.region(), "ReadOnly"));
            }
            List<JsonNode> cli = new ArrayList<>(WiringClientsTest.items(clients.velero(w.get("veleroInstall").asText()
                    + " --dry-run -o yaml")));
            for (JsonNode create : w.path("veleroBackupLocations")) {
                cli.add(WiringClientsTest.YAML.readTree(clients.velero(create.asText() + " -o yaml")));
            }
            assertThat(locations(cli)).as("velero CLI, cluster %s", c.name()).isEqualTo(want);
            Path values = Files.createTempFile("velero-values", ".json");
            TestApps.JSON.writeValue(values.toFile(), w.get("helmValues"));
            List<JsonNode> chart = WiringClientsTest.documents(WiringClientsTest.run(List.of(
                    WiringClientsTest.clients.resolve("helm").toString(), "template", "velero",
                    WiringClientsTest.chart.toString(), "-n", w.get("namespace").asText(), "-f", values.toString())));
            assertThat(locations(chart)).as("Helm chart, cluster %s", c.name()).isEqualTo(want);
            // The service account both annotate is the cluster's role, in its own account.
            for (List<JsonNode> objects : List.of(cli, chart)) {
                assertThat(objects.stream().filter(o -> o.path("kind").asText().equals("ServiceAccount"))
                        .map(o -> o.at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText()).toList())
                        .as("cluster %s", c.name()).isNotEmpty().containsOnly(w.get("roleArn").asText());
            }
            assertThat(w.get("roleArn").asText()).startsWith("arn:aws:iam::" + c.account() + ":role/");
            assertThat(want.values().stream().map(l -> l.get(0))).allMatch(b -> buckets().containsKey(b));
        }
    }

    // ---- bad input: one line naming the field ----

    static String fleet(String change) {
        return "{\"roles\": \"PER_CLUSTER\", " + change + "\"clusters\": ["
                + "{\"name\": \"a\", \"account\": \"111111111111\", \"oidcIssuer\": \"https://oidc.eks.us-east-1.amazonaws.com/id/A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1\"},"
                + "{\"name\": \"b\", \"account\": \"222222222222\", \"restoresFrom\": [\"a\"],"
                + " \"oidcIssuer\": \"https://oidc.eks.us-east-1.amazonaws.com/id/B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1\"}]}";
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "portable| \"synthesizer\": \"portable\", \"ebsSnapshots\": false,| synthesizer: \"portable\" with clusters in accounts",
        "backup account not 12 digits| \"backupAccount\": \"12345\", \"ebsSnapshots\": false,| backupAccount: \"12345\" is not an AWS account ID",
        "shared isolation with a backup account| \"backupAccount\": \"999988887777\", \"isolation\": \"SHARED\",| isolation: SHARED with backupAccount",
        "an existing bucket| \"existingBucketName\": \"my-bucket\", \"ebsSnapshots\": false,| existingBucketName: \"my-bucket\" names one resource of one account",
        "EBS snapshots across accounts| | clusters[1].restoresFrom[0]: cluster \"b\" in account 222222222222 restores from cluster \"a\" in account 111111111111",
        "a bucket name too long| \"bucketName\": \"a-very-long-base-name-for-every-bucket-of-this-fleet\", \"ebsSnapshots\": false,| bucketName: \"a-very-long-base-name-for-every-bucket-of-this-fleet\" starts the name of the bucket of account 111111111111",
    })
    void aFleetMistakeIsOneLineNamingTheFieldAndWritesNothing(String what, String change, String expected) {
        AppRun run = AppRun.of(fleet(change == null ? "" : change), null, null);
        assertThat(run.status()).as(what).isEqualTo(1);
        assertThat(run.err().lines().count()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).as(what).startsWith("velero-irsa: invalid configuration (context velero): " + expected)
                .doesNotContain("Exception");
        assertThat(run.files().stream().filter(f -> f.endsWith(".template.json"))).as("no template").isEmpty();
    }

    @Test
    void oneClusterWithoutItsAccountAmongOthersIsNamed() {
        String json = fleet("\"ebsSnapshots\": false,").replace(", \"account\": \"222222222222\"", "");
        AppRun run = AppRun.of(json, null, null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters[1].account: missing");
    }

    @Test
    void aBackupAccountWithoutClusterAccountsIsNamed() {
        String json = fleet("\"backupAccount\": \"999988887777\", \"ebsSnapshots\": false,")
                .replace(", \"account\": \"222222222222\"", "").replace(", \"account\": \"111111111111\"", "");
        AppRun run = AppRun.of(json, null, null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): backupAccount: \"999988887777\" is set, but no cluster");
    }

    @Test
    void aClusterMistakeInAStackOfTheFleetIsNamedByItsPlaceInTheWholeList() {
        // Cluster b (index 1) is the only cluster of its stack, where it is index 0.
        String json = fleet("\"ebsSnapshots\": false,").replace("\"name\": \"b\",", "\"name\": \"b\", \"namespace\": \"Bad_NS\",");
        AppRun run = AppRun.of(json, null, null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters[1].namespace: \"Bad_NS\"");
    }

    @Test
    void eachClusterIsLookedUpAndAssociatedInItsOwnAccountAndRegion() {
        // Pod Identity, clusters named by EKS name: nobody answers the lookups outside the CLI, and
        // the message names the account and region of the cluster's own stack.
        String json = "{\"identity\": \"BOTH\", \"ebsSnapshots\": false, \"clusters\": ["
                + "{\"name\": \"a\", \"account\": \"111111111111\", \"region\": \"eu-west-1\", \"clusterName\": \"eks-a\"},"
                + "{\"name\": \"b\", \"account\": \"222222222222\", \"region\": \"ap-south-1\", \"clusterName\": \"eks-b\"}]}";
        AppRun unanswered = AppRun.of(Map.of(ConfigLoader.CONTEXT_KEY, json), null, null, false);
        assertThat(unanswered.status()).isEqualTo(1);
        assertThat(unanswered.err()).startsWith("velero-irsa: lookups not answered (context velero): clusters[0].clusterName:"
                + " the issuer of EKS cluster \"eks-a\" (cluster \"a\") in account 111111111111, region eu-west-1");
        // Answered (as cdk.context.json would hold them), each stack has its cluster's association,
        // on its own role, and a trust pinned to that cluster's ARN in its account and region.
        Map<String, Object> context = new HashMap<>();
        context.put(ConfigLoader.CONTEXT_KEY, json);
        String[][] answers = {{"111111111111", "eu-west-1", "eks-a", "A0"}, {"222222222222", "ap-south-1", "eks-b", "B0"}};
        for (String[] a : answers) {
            var query = IssuerLookup.query(a[2], a[1]);
            String key = software.amazon.awscdk.ContextProvider.getKey(new software.amazon.awscdk.Stack(
                    TestApps.app(Map.of(), null), "Probe", software.amazon.awscdk.StackProps.builder().env(
                            software.amazon.awscdk.Environment.builder().account(a[0]).region(a[1]).build()).build()),
                    software.amazon.awscdk.GetContextKeyOptions.builder().provider(IssuerLookup.PROVIDER).props(query.getProps())
                            .build()).getKey();
            context.put(key, List.of(Map.of("Identifier", a[2], IssuerLookup.PROPERTY, "https://oidc.eks." + a[1]
                    + ".amazonaws.com/id/" + a[3].repeat(16))));
        }
        AppRun run = AppRun.of(context, null, null, false);
        assertThat(run.status()).as(run.err()).isZero();
        for (String[] a : answers) {
            JsonNode t = run.template("VeleroBackup-" + a[0] + "-" + a[1]);
            List<String> associations = new ArrayList<>();
            List<String> pinned = new ArrayList<>();
            t.get("Resources").forEach(r -> {
                if (r.get("Type").asText().equals("AWS::EKS::PodIdentityAssociation")) {
                    associations.add(r.at("/Properties/ClusterName").asText());
                }
                if (r.get("Type").asText().equals("AWS::IAM::Role")) {
                    r.at("/Properties/AssumeRolePolicyDocument/Statement").forEach(st -> st.path("Condition").forEach(op -> {
                        JsonNode v = op.path("aws:RequestTag/eks-cluster-arn");
                        if (v.isTextual()) {
                            pinned.add(v.asText());
                        }
                        v.forEach(x -> pinned.add(x.asText()));
                    }));
                }
            });
            assertThat(associations).containsExactly(a[2]);
            assertThat(pinned).containsExactly("arn:aws:eks:" + a[1] + ":" + a[0] + ":cluster/" + a[2]);
        }
    }

    @Test
    void aStackOverCloudFormationsResourceLimitIsNamed() {
        StringBuilder clusters = new StringBuilder();
        for (int i = 0; i < 260; i++) {
            clusters.append(i == 0 ? "" : ",").append("{\"name\": \"c").append(i).append("\", \"account\": \"111111111111\","
                    + " \"oidcIssuer\": \"https://oidc.eks.us-east-1.amazonaws.com/id/").append(String.format("%032X", i)).append("\"}");
        }
        AppRun run = AppRun.of("{\"roles\": \"PER_CLUSTER\", \"clusters\": [" + clusters + "]}", null, null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters: stack"
                + " VeleroBackup-111111111111-us-east-1: 260 clusters make ");
    }

    /** The two-cluster fleet of {@link #fleet}, edited: a replacement of one string by another. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "one issuer in two accounts|B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1|A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1|clusters[1].oidcIssuer: \"https://oidc.eks.us-east-1.amazonaws.com/id/A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1\" is the issuer of clusters[0] (\"a\") too",
        "a wildcard in the role path|\"roles\": \"PER_CLUSTER\",|\"roles\": \"PER_CLUSTER\", \"rolePath\": \"/velero/*/\",|rolePath: \"/velero/*/\" has '*' or '?'",
        "an EBS key where no cluster runs|\"roles\": \"PER_CLUSTER\",|\"roles\": \"PER_CLUSTER\", \"ebsKmsKeyArns\": [\"arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001\"],|ebsKmsKeyArns[0]: \"arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001\" is a key of account 111111111111 in eu-west-1, where no cluster runs",
        "a source's bad prefix|\"name\": \"a\",|\"name\": \"a\", \"prefix\": \"a//b\",|clusters[0].prefix: \"a//b\"",
        "a role name over 64 characters|\"name\": \"b\"|\"name\": \"b-with-a-name-long-enough-to-make-the-role-name-too-long-x\"|clusters[1].name: cluster \"b-with-a-name-long-enough-to-make-the-role-name-too-long-x\"'s role would be named",
        "role names that differ in case only|\"account\": \"222222222222\", \"restoresFrom\": [\"a\"]|\"account\": \"111111111111\", \"name2\": 0|unknown",
    })
    void aFleetEditIsOneLineNamingTheField(String what, String from, String to, String expected) {
        String json = fleet("\"ebsSnapshots\": false,").replace(from, to);
        if (what.startsWith("role names")) {
            // Two clusters of one account and region whose names differ in case only.
            json = fleet("\"ebsSnapshots\": false,").replace("\"name\": \"b\", \"account\": \"222222222222\", \"restoresFrom\": [\"a\"],",
                    "\"name\": \"A\", \"account\": \"111111111111\",");
            expected = "clusters[1].name: cluster \"A\"'s role \"velero-us-east-1-A\" is, to IAM, which ignores case, the role"
                    + " of clusters[0] (\"a\") too, in account 111111111111";
        }
        AppRun run = AppRun.of(json, null, null);
        assertThat(run.status()).as(what + ": " + run.err()).isEqualTo(1);
        assertThat(run.err().lines().count()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).as(what).startsWith("velero-irsa: invalid configuration (context velero): " + expected);
    }

    @Test
    void restoreOnlyClustersAloneGetNoBucketAndNoKeyOfTheirOwn() {
        use(CONFIG);
        // dr only restores: its stack holds no bucket, and its policies name no key of a bucket of its own.
        Cluster dr = clusters().stream().filter(Cluster::restoreOnly).findFirst().orElseThrow();
        String stack = wirings().get(dr.name()).getKey();
        JsonNode t = templates.get(stack);
        String own = config.path("bucketName").asText("velero-backups") + "-" + dr.account() + "-" + dr.region();
        assertThat(t.toString()).doesNotContain(own);
        assertThat(buckets()).doesNotContainKey(own);
        List<String> types = new ArrayList<>();
        t.get("Resources").forEach(r -> types.add(r.get("Type").asText()));
        assertThat(types).doesNotContain("AWS::S3::Bucket", "AWS::KMS::Key");
        assertThat(t.path("Outputs").has("BucketName")).isFalse();
    }
}
