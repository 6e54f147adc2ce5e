package io.github.veleroirsa.app;

import io.github.veleroirsa.VeleroBackup;
import io.github.veleroirsa.VeleroBackupProps;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.kms.KeyLookupOptions;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/** The app's one stack: the {@link VeleroBackup} construct and the outputs a person pastes. */
public class VeleroStack extends Stack {
    /** The annotation that makes a Kubernetes service account assume an IAM role (IRSA). */
    public static final String ROLE_ARN_ANNOTATION = VeleroBackup.ROLE_ARN_ANNOTATION;

    private final VeleroBackup backup;
    /** CloudFormation's limit on the resources of one stack. */
    public static final int MAX_RESOURCES = 500;

    public VeleroStack(Construct scope, String id, StackProps props, VeleroConfig config) {
        super(scope, id, props);

        VeleroBackupProps.Builder backupProps = config.toBackupProps();
        if (config.kmsKeyArn() != null) {
            backupProps.encryptionKey(Key.fromKeyArn(this, "ExistingKey", config.kmsKeyArn()));
        }
        if (config.kmsKeyAlias() != null) {
            // Looked up by the CDK CLI once and cached in cdk.context.json.
            backupProps.encryptionKey(Key.fromLookup(this, "ExistingKey", KeyLookupOptions.builder()
                    .aliasName(config.kmsKeyAlias()).build()));
        }
        if (config.existingBucketName() != null) {
            backupProps.existingBucket(Bucket.fromBucketName(this, "ExistingBucket", config.existingBucketName()));
        }
        VeleroBackupProps built = backupProps.build();
        this.backup = new VeleroBackup(this, "Velero", built);
        // Counted with the metadata resource the CDK adds at synthesis.
        long resources = 1 + getNode().findAll().stream().filter(c -> c instanceof software.amazon.awscdk.CfnResource).count();
        if (resources > MAX_RESOURCES) {
            throw new io.github.veleroirsa.InvalidInputException("clusters", built.getClusters().size() + " clusters"
                    + " make " + resources + " resources, over CloudFormation's limit of " + MAX_RESOURCES + " per"
                    + " stack (expected fewer clusters per stack: split the list across configurations with their"
                    + " own stackName)");
        }

        CfnOutput.Builder.create(this, "BucketName")
                .description("The S3 bucket of Velero's backup storage location")
                .value(backup.getBucket().getBucketName())
                .build();
        // The shared role's ARN and annotation; named roles' ARNs are in their clusters' wiring.
        IRole shared = backup.getRole();
        if (shared != null) {
            CfnOutput.Builder.create(this, "RoleArn")
                    .description("The role Velero assumes; Rafay's data-backup credentials take this ARN")
                    .value(shared.getRoleArn())
                    .build();
        }
        if (backup.getEncryptionKey() != null) {
            CfnOutput.Builder.create(this, "KmsKeyArn")
                    .description("The KMS key that encrypts the backup bucket")
                    .value(backup.getEncryptionKey().getKeyArn())
                    .build();
        }
        if (shared != null && built.getIdentity().irsa()) {
            CfnOutput.Builder.create(this, "ServiceAccountAnnotation")
                    .description("Annotate Velero's service account on every listed cluster with this")
                    .value(Fn.join("", List.of(ROLE_ARN_ANNOTATION + "=", shared.getRoleArn())))
                    .build();
        }
        // One JSON output per group of clusters that share their wiring; the README shows how a
        // cluster finds its own.
        backup.addWiringOutputs();
    }

    /** The construct inside, for tests and for apps that extend this stack. */
    public VeleroBackup getBackup() {
        return backup;
    }
}
