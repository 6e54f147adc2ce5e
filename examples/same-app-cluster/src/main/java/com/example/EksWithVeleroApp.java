package com.example;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.veleroirsa.EksCluster;
import io.github.veleroirsa.VeleroBackup;
import io.github.veleroirsa.VeleroBackupProps;
import io.github.veleroirsa.WorkloadIdentity;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ClusterLoggingTypes;
import software.amazon.awscdk.services.eks_v2.EndpointAccess;
import software.amazon.awscdk.services.eks_v2.KubernetesVersion;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.IConstruct;

/**
 * An EKS cluster and Velero's AWS side in one CDK app. The cluster's name, ARN and OIDC issuer
 * are known only at deploy time; velero-irsa takes them from the cluster (EksCluster.fromCluster)
 * and uses the cluster's own OIDC provider.
 */
public final class EksWithVeleroApp {
    public static void main(String[] args) {
        App app = new App();
        Stack stack = new Stack(app, "EksWithVelero", StackProps.builder()
                .description("An EKS cluster, and Velero's backup bucket, policy and role for it (velero-irsa example)")
                .build());

        // The cluster's network and control plane, as a security review wants them: flow logs and
        // control-plane logs, both encrypted, a private API endpoint, encrypted Kubernetes secrets.
        Key logsKey = Key.Builder.create(stack, "LogsKey").enableKeyRotation(true).build();
        logsKey.grant(ServicePrincipal.Builder.create("logs." + stack.getRegion() + ".amazonaws.com").build(),
                "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*");
        LogGroup flowLogs = LogGroup.Builder.create(stack, "FlowLogs").encryptionKey(logsKey)
                .retention(RetentionDays.ONE_YEAR).build();
        Vpc vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(2)
                .flowLogs(Map.of("All", FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(flowLogs)).build()))
                .build();
        Cluster cluster = Cluster.Builder.create(stack, "Cluster")
                .version(KubernetesVersion.V1_33)
                .vpc(vpc)
                .endpointAccess(EndpointAccess.PRIVATE)
                .secretsEncryptionKey(Key.Builder.create(stack, "SecretsKey").enableKeyRotation(true).build())
                .clusterLogging(List.of(ClusterLoggingTypes.API, ClusterLoggingTypes.AUDIT,
                        ClusterLoggingTypes.AUTHENTICATOR, ClusterLoggingTypes.CONTROLLER_MANAGER,
                        ClusterLoggingTypes.SCHEDULER))
                .build();

        // IRSA and Pod Identity at once, as while a fleet moves from one to the other.
        VeleroBackup backup = new VeleroBackup(stack, "Velero", VeleroBackupProps.builder()
                .identity(WorkloadIdentity.BOTH)
                .clusters(List.of(EksCluster.fromCluster("platform", cluster).build()))
                .build());
        backup.addWiringOutputs();

        // The cluster's and its auto-mode nodes' roles carry the AWS managed policies EKS requires.
        NagSuppressions.addResourceSuppressions(cluster, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("EKS requires its AWS managed policies on the cluster role and the auto-mode node role")
                .build()), true);
        // aws-cdk-lib's custom-resource providers (the CfnJson of the IRSA trust, the VPC's default
        // security group): functions CloudFormation invokes during deployments only.
        for (IConstruct c : stack.getNode().findAll()) {
            if (c instanceof CfnResource r && r.getCfnResourceType().equals("AWS::Lambda::Function")) {
                r.addMetadata("checkov", Map.of("skip", List.of(
                        skip("CKV_AWS_115", "invoked by CloudFormation during deployments only; no concurrency to reserve"),
                        skip("CKV_AWS_116", "invoked synchronously by CloudFormation, which reports a failure itself;"
                                + " a dead-letter queue would hold nothing"),
                        skip("CKV_AWS_117", "calls AWS APIs only; a VPC would add NAT and endpoints for no isolation gained"))));
            }
        }
        // cfn-lint W3005 (a DependsOn that a Ref already implies) is aws-cdk-lib's own habit in its
        // providers and the EKS cluster; aws-cdk-lib's built-in validation ignores it too.
        stack.addMetadata("cfn-lint", Map.of("config", Map.of("ignore_checks", List.of("W3005"))));

        Aspects.of(app).add(new AwsSolutionsChecks());
        app.synth();
    }

    private static Map<String, String> skip(String id, String comment) {
        return Map.of("id", id, "comment", comment);
    }
}
