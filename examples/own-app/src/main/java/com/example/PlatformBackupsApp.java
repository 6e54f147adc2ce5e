package com.example;

import io.github.veleroirsa.BackupEncryption;
import io.github.veleroirsa.EksCluster;
import io.github.veleroirsa.InvalidInputException;
import io.github.veleroirsa.RoleLayout;
import io.github.veleroirsa.VeleroBackup;
import io.github.veleroirsa.VeleroBackupProps;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;

/** A platform team's own CDK app, with Velero's AWS side as one construct among others. */
public final class PlatformBackupsApp {
    public static void main(String[] args) {
        App app = new App();
        Stack stack = new Stack(app, "PlatformBackups");

        VeleroBackup backup;
        try {
            backup = new VeleroBackup(stack, "Velero", VeleroBackupProps.builder()
                    .clusters(List.of(
                            EksCluster.builder()
                                    .name("backup")
                                    .oidcIssuer("https://oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1")
                                    .namespace("rafay-system")
                                    .serviceAccount("velero-rafay")
                                    .build(),
                            EksCluster.builder()
                                    .name("restore")
                                    .oidcIssuer("oidc.eks.us-west-1.amazonaws.com/id/6895F1604286AE3EB02EFD39CAC4E288")
                                    // Reads the backup cluster's backups, writes only its restores' logs, deletes nothing.
                                    .restoresFrom(List.of("backup"))
                                    .restoreOnly(true)
                                    .build()))
                    // A role per cluster: each reaches its own prefix in the bucket only.
                    .roleLayout(RoleLayout.PER_CLUSTER)
                    .encryption(BackupEncryption.KMS)
                    .noncurrentVersionExpiration(Duration.days(14))
                    .build());
        } catch (InvalidInputException e) {
            // One line naming the value, e.g. "cluster \"restore\": oidcIssuer: ... (expected ...)", not a stack trace.
            System.err.println("platform-backups: " + e.getMessage());
            System.exit(1);
            return;
        }

        CfnOutput.Builder.create(stack, "VeleroBackupRoleArn").value(backup.getRoleFor("backup").getRoleArn()).build();
        CfnOutput.Builder.create(stack, "VeleroRestoreRoleArn").value(backup.getRoleFor("restore").getRoleArn()).build();
        CfnOutput.Builder.create(stack, "VeleroBucket").value(backup.getBucket().getBucketName()).build();
        // Wiring<Name> outputs: each cluster's velero install, ReadOnly locations and Helm values.
        backup.addWiringOutputs();
        app.synth();
    }
}
