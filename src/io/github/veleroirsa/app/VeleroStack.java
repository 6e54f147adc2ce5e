package io.github.veleroirsa.app;

import io.github.veleroirsa.InvalidInputException;
import io.github.veleroirsa.VeleroBackup;
import io.github.veleroirsa.VeleroBackupProps;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnRule;
import software.amazon.awscdk.CfnRuleAssertion;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.iam.IRole;
import software.constructs.Construct;

/** The app's one stack: the {@link VeleroBackup} construct and the outputs a person pastes. */
public class VeleroStack extends Stack {
    /** The annotation that makes a Kubernetes service account assume an IAM role (IRSA). */
    public static final String ROLE_ARN_ANNOTATION = VeleroBackup.ROLE_ARN_ANNOTATION;

    private final VeleroBackup backup;
    private final List<String> pendingLookups;
    /**
     * The logical ID a template of placeholder issuers refers to and does not hold, so that
     * CloudFormation refuses to deploy it.
     */
    public static final String NOT_LOOKED_UP = "OidcIssuersNotLookedUpRunCdkSynthWithCredentials";
    /** CloudFormation's limit on the resources of one stack. */
    public static final int MAX_RESOURCES = 500;

    public VeleroStack(Construct scope, String id, StackProps props, VeleroConfig config) {
        this(scope, id, props, config, null, null);
    }

    /**
     * One stack of a fleet: the clusters of one account and region, with their bucket or the
     * backup account's, and, in the backup account, the buckets of the other accounts' clusters
     * in its region.
     *
     * @param plan  the plan of the whole configuration, or {@code null} for a single stack
     * @param place this stack's account and region in it
     */
    VeleroStack(Construct scope, String id, StackProps props, VeleroConfig whole, FleetPlan plan, FleetPlan.Place place) {
        super(scope, id, props);
        VeleroConfig config = plan == null ? whole : plan.configAt(place);
        try {
            this.backup = build(config, plan, place);
        } catch (InvalidInputException e) {
            throw plan == null ? e : plan.renumber(place, e);
        }
        this.pendingLookups = plan == null ? lookups : lookups.stream().map(m -> plan.renumber(place, m)).toList();
        if (plan != null) {
            holdBuckets(whole, plan, place);
            holdReplicas(whole, plan, place);
        }
        checkResources(plan == null ? null : id, config.clusters().size());
        // The changes the configuration acknowledges, where scripts/check-change.sh reads them: every
        // stack has them all, since a stack that leaves the app has no template of its own to hold them.
        List<String> acknowledged = whole.acknowledgedChanges() == null ? List.of() : whole.acknowledgedChanges();
        if (!acknowledged.isEmpty()) {
            getTemplateOptions().setMetadata(java.util.Map.of(ACKNOWLEDGED_METADATA, java.util.Map.of(
                    "acknowledgedChanges", acknowledged)));
        }
    }

    /** The template's Metadata key under which a stack's acknowledged changes are written. */
    public static final String ACKNOWLEDGED_METADATA = "VeleroIrsa";

    /** The lookups not answered yet, as {@link #build} leaves them. */
    private List<String> lookups = List.of();

    private VeleroBackup build(VeleroConfig config, FleetPlan plan, FleetPlan.Place place) {
        if (config.clusters().isEmpty()) {
            return null; // the backup account's stack in a region where it has no clusters of its own
        }

        // Issuers named by clusterName, and a key by its alias, are looked up in the stack's
        // (known) account; a portable template has none.
        boolean canLookUp = !config.portable() && !Token.isUnresolved(getAccount());
        if (config.kmsKeyAlias() != null) {
            IssuerLookup.requireAccount(canLookUp, "kmsKeyAlias", InvalidInputException.quote(config.kmsKeyAlias())
                    + " is looked up", "kmsKeyArn instead");
        }
        IssuerLookup.Result issuers = IssuerLookup.resolve(this, config, canLookUp);
        VeleroBackupProps built = config.toBackupProps(this, issuers.issuers(), b -> {
            if (plan != null) {
                plan.addTo(place, b);
            }
        });
        List<String> unanswered = new java.util.ArrayList<>(issuers.unanswered());
        List<String> pendingNames = new java.util.ArrayList<>(issuers.pending());
        if (config.kmsKeyAlias() != null && keyNotLookedUp(config.kmsKeyAlias())) {
            // Key.fromLookup's first pass gives a dummy key: the template must not deploy either.
            unanswered.add("kmsKeyAlias: " + InvalidInputException.quote(config.kmsKeyAlias()) + " in account "
                    + getAccount() + ", region " + getRegion() + " is not looked up yet");
            pendingNames.add("key " + config.kmsKeyAlias());
        }
        this.lookups = List.copyOf(unanswered);
        if (!pendingNames.isEmpty()) {
            // The first pass, before the CDK CLI has answered the lookups: placeholder issuers. The
            // CLI synthesizes again with the answers; should it fail to, the template it leaves
            // behind must not deploy. CloudFormation refuses a template that refers to a resource
            // or parameter it does not hold ("Template format error: Unresolved resource
            // dependencies"; cfn-lint's E6101 for an output), before it creates or changes anything: the
            // output below refers to one. The rule says why, to whoever reads the template.
            String why = "The lookups of " + InvalidInputException.names(pendingNames) + " were not answered"
                    + " yet: synthesize with the CDK CLI and AWS credentials (cdk synth), which looks them up and"
                    + " keeps them in cdk.context.json";
            CfnRule.Builder.create(this, "IssuersNotLookedUp").assertions(List.of(CfnRuleAssertion.builder()
                    .assertValue(Fn.conditionEquals("looked-up", "not-looked-up"))
                    .assertDescription(why)
                    .build())).build();
            CfnOutput.Builder.create(this, "IssuersNotLookedUpOutput").description(why)
                    .value(Fn.ref(NOT_LOOKED_UP)).build();
        }
        VeleroBackup backup;
        try {
            backup = new VeleroBackup(this, "Velero", built);
        } catch (InvalidInputException e) {
            // In the configuration's words: the construct's ebsKmsKeys are its ebsKmsKeyArns.
            throw config.inConfigTerms(e);
        }
        if (plan != null && backup.getEncryptionKey() instanceof software.amazon.awscdk.services.kms.Key key) {
            // Other accounts' roles know the key by this alias: its ARN exists only once deployed.
            key.addAlias(plan.keyAlias(place));
        }

        if (plan == null || config.clusters().stream().anyMatch(c -> !Boolean.TRUE.equals(c.restoreOnly()))) {
            // (Restore-only clusters of a fleet write only into their sources' buckets.)
            output("BucketName", "The S3 bucket of Velero's backup storage location", backup.getBucket().getBucketName());
        }
        // The shared role's ARN and annotation; named roles' ARNs are in their clusters' wiring.
        IRole shared = backup.getRole();
        if (shared != null) {
            output("RoleArn", "The role Velero assumes; Rafay's data-backup credentials take this ARN", shared.getRoleArn());
        }
        if (backup.getEncryptionKey() != null) {
            output("KmsKeyArn", "The KMS key that encrypts the backup bucket", backup.getEncryptionKey().getKeyArn());
        }
        if (shared != null && built.getIdentity().irsa()) {
            output("ServiceAccountAnnotation", "Annotate Velero's service account on every listed cluster with this",
                    Fn.join("", List.of(ROLE_ARN_ANNOTATION + "=", shared.getRoleArn())));
        }
        // One JSON output per group of clusters that share their wiring; the README shows how a
        // cluster finds its own.
        backup.addWiringOutputs();
        // The construct checks the stack's output count at synthesis; with every output made, the
        // app asks now, so that too many is a configuration mistake of one line like the rest.
        List<String> problems = backup.getNode().findChild("Wiring").getNode().validate();
        if (!problems.isEmpty()) {
            throw new InvalidInputException("clusters", (plan == null ? "" : "stack " + getStackName() + ": ")
                    + problems.get(0));
        }
        return backup;
    }

    /**
     * In the backup account's stack of a region: the bucket (and key) of each other account's
     * clusters there, granting exactly their roles, and the roles that restore from them, their
     * prefixes.
     */
    private void holdBuckets(VeleroConfig whole, FleetPlan plan, FleetPlan.Place place) {
        for (FleetPlan.Place writers : plan.bucketsHeldFor(place)) {
            List<io.github.veleroirsa.BucketGrant> grants = plan.grants(writers);
            if (grants.isEmpty()) {
                continue; // only restore-only clusters there: nothing backs up to it
            }
            hold(whole, "BucketFor" + writers.account(), plan.bucketName(writers), plan.keyAlias(writers),
                    "The S3 bucket of the clusters of account " + writers.account() + " in " + writers.region(),
                    b -> b.bucketGrants(grants).replication(plan.replication(writers)));
        }
    }

    /**
     * In the stack of the replica's account and region: the replica of each bucket replicated
     * here, with Object Lock, admitting that bucket's replication role and granting the roles of
     * other accounts that restore from it (DR clusters) their sources' prefixes.
     */
    private void holdReplicas(VeleroConfig whole, FleetPlan plan, FleetPlan.Place place) {
        for (FleetPlan.Place writers : plan.replicasHeldAt(place)) {
            ReplicaConfig.ObjectLockConfig lock = whole.replica().objectLock();
            // ReplicaOf111111111111UsEast1: one per bucket replicated here.
            StringBuilder id = new StringBuilder("ReplicaOf" + writers.account());
            for (String part : writers.region().split("-")) {
                id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
            hold(whole, id.toString(), plan.replicaName(writers), plan.replicaBucket(writers).keyAlias(),
                    "The replica in " + place.region() + " of the S3 bucket of the clusters of account "
                            + writers.account() + " in " + writers.region(), b -> {
                        b.bucketGrants(plan.replicaGrants(writers)).replicaOf(plan.replicationRoleArn(writers));
                        if (lock != null) {
                            software.amazon.awscdk.Duration days = software.amazon.awscdk.Duration.days(lock.days());
                            b.objectLockRetention(lock.mode() == ReplicaConfig.Mode.COMPLIANCE
                                    ? software.amazon.awscdk.services.s3.ObjectLockRetention.compliance(days)
                                    : software.amazon.awscdk.services.s3.ObjectLockRetention.governance(days));
                        }
                    });
        }
    }

    /**
     * A bucket this stack holds for clusters of other stacks ({@code <id>}, no clusters of its
     * own): the configuration's encryption, tags and noncurrent days, its key's alias, and an
     * output {@code <id>Name} with its name.
     */
    private void hold(VeleroConfig whole, String id, String bucketName, String alias, String description,
            java.util.function.Consumer<VeleroBackupProps.Builder> more) {
        VeleroBackupProps.Builder b = VeleroBackupProps.builder()
                .clusters(List.of())
                .bucketName(bucketName)
                .encryption(whole.encryption())
                .rolePath(whole.rolePath())
                .tags(whole.tags());
        if (whole.noncurrentVersionExpirationDays() != null) {
            b.noncurrentVersionExpiration(software.amazon.awscdk.Duration.days(whole.noncurrentVersionExpirationDays()));
        }
        more.accept(b);
        VeleroBackup held;
        try {
            held = new VeleroBackup(this, id, b.build());
        } catch (InvalidInputException e) {
            throw whole.inConfigTerms(e);
        }
        if (held.getEncryptionKey() instanceof software.amazon.awscdk.services.kms.Key key) {
            key.addAlias(alias);
        }
        output(id + "Name", description, held.getBucket().getBucketName());
    }

    /** CloudFormation's limit on a stack's resources, counted with the metadata resource the CDK adds. */
    private void checkResources(String stackName, int clusters) {
        long resources = 1 + getNode().findAll().stream().filter(c -> c instanceof software.amazon.awscdk.CfnResource).count();
        if (resources > MAX_RESOURCES) {
            throw new InvalidInputException("clusters", (stackName == null ? "" : "stack " + stackName + ": ")
                    + (clusters > 0 ? clusters + " clusters" : "the buckets of other accounts' clusters") + " make " + resources + " resources, over CloudFormation's limit of "
                    + MAX_RESOURCES + " per stack (expected fewer clusters per stack: split the list across"
                    + " configurations with their own stackName" + (stackName == null ? "" : ", or across regions")
                    + ")");
        }
    }

    /** Whether the CDK CLI has not yet answered {@code Key.fromLookup}'s query for this alias. */
    private boolean keyNotLookedUp(String alias) {
        String key = software.amazon.awscdk.ContextProvider.getKey(this, software.amazon.awscdk.GetContextKeyOptions.builder()
                .provider("key-provider").props(java.util.Map.of("aliasName", alias)).build()).getKey();
        return getNode().tryGetContext(key) == null;
    }

    private void output(String id, String description, String value) {
        CfnOutput.Builder.create(this, id).description(description).value(value).build();
    }

    /**
     * {@return what is still to be looked up, one message naming the field per cluster; empty
     * once the CDK CLI has answered every lookup}
     */
    public List<String> getPendingLookups() {
        return pendingLookups;
    }

    /**
     * The construct inside, for tests and for apps that extend this stack; {@code null} for a
     * backup account's stack that holds only other accounts' buckets.
     */
    public VeleroBackup getBackup() {
        return backup;
    }
}
