package io.github.veleroirsa;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one cluster applies to use the backup role: a {@code velero install} command line, the
 * manifest to apply before it when Velero's service account is not named {@code velero}, and
 * values for the vmware-tanzu {@code velero} Helm chart. {@link VeleroBackup#wiring} makes one
 * per cluster; its values may hold tokens (the bucket name, the role ARN) that resolve at deploy
 * time.
 *
 * <p>Maps are ordered, so that the same wiring always prints the same JSON.
 *
 * @param location         the cluster's own backup storage location ({@code default}); {@code null}
 *                         for a restore-only cluster, which has none
 * @param restoreLocations a {@code ReadOnly} backup storage location per cluster it restores from
 * @param snapshotRegion   the cluster's region, for the volume snapshot location; {@code null}
 *                         when Velero takes no EBS snapshots
 * @param roleArn          the role Velero assumes, under IRSA (and BOTH), which the service account's
 *                         annotation names; {@code null} with Pod Identity alone, where the stack's
 *                         association binds the role and nothing on the cluster names it
 * @param namespace        Velero's namespace on the cluster
 * @param serviceAccount   Velero's service account on the cluster
 * @param pluginImage      the Velero AWS plugin image
 * @param nodeAgent        whether Velero's node-agent runs, for file-system backups; without EBS
 *                         snapshots, every volume is then backed up from the file system by default
 * @param snapshotMoveData whether Velero moves CSI snapshots' data into the bucket by default (the
 *                         node-agent runs for it)
 */
public record VeleroWiring(
        BackupLocation location,
        List<BackupLocation> restoreLocations,
        String snapshotRegion,
        String roleArn,
        String namespace,
        String serviceAccount,
        String pluginImage,
        boolean nodeAgent,
        boolean snapshotMoveData) {

    /**
     * One backup storage location of a wiring.
     *
     * @param name   its name: {@code default} for the cluster's own, else the source's location name
     * @param bucket the bucket's name
     * @param region the bucket's region
     * @param prefix the prefix in the bucket; {@code null} for the bucket's root ({@link Isolation#SHARED})
     */
    public record BackupLocation(String name, String bucket, String region, String prefix) {
        /**
         * Checks that the name, bucket and region are there.
         *
         * @param name   as the record's {@code name}
         * @param bucket as the record's {@code bucket}
         * @param region as the record's {@code region}
         * @param prefix as the record's {@code prefix}
         */
        public BackupLocation {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(region, "region");
        }
    }

    /**
     * The service account {@code velero install} creates and binds itself. Under any other name,
     * {@code velero install --service-account-name} creates neither the account nor its
     * binding: {@link #serviceAccountManifest()} holds them.
     */
    public static final String VELERO_SERVICE_ACCOUNT = "velero";
    /** The namespace {@code velero install} binds as {@code ClusterRoleBinding/velero}; others get {@code velero-<namespace>}. */
    static final String VELERO_NAMESPACE = "velero";
    /** Velero's feature flag for CSI snapshots, which snapshot data movement moves. */
    static final String CSI_FEATURE = "EnableCSI";
    /** The labels {@code velero install} puts on every object it makes. */
    private static final Map<String, String> VELERO_LABELS = Map.of("component", "velero");

    /**
     * Checks that the values every wiring needs are there.
     *
     * @param location       as the record's {@code location}
     * @param restoreLocations as the record's {@code restoreLocations}
     * @param snapshotRegion as the record's {@code snapshotRegion}
     * @param roleArn        as the record's {@code roleArn}
     * @param namespace      as the record's {@code namespace}
     * @param serviceAccount as the record's {@code serviceAccount}
     * @param pluginImage    as the record's {@code pluginImage}
     * @param nodeAgent      as the record's {@code nodeAgent}
     * @param snapshotMoveData as the record's {@code snapshotMoveData}
     */
    public VeleroWiring {
        restoreLocations = List.copyOf(restoreLocations);
        if (location == null && restoreLocations.isEmpty()) {
            throw new IllegalArgumentException("a wiring needs a backup storage location: its own or one to restore from");
        }
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        Objects.requireNonNull(pluginImage, "pluginImage");
    }

    /** {@return whether the service account carries the IRSA role annotation: whenever there is a role ARN} */
    public boolean annotate() {
        return roleArn != null;
    }

    /**
     * {@return whether every volume is backed up from the file system by default: with the
     * node-agent and without EBS snapshots}
     */
    public boolean defaultVolumesToFsBackup() {
        return nodeAgent && snapshotRegion == null && !snapshotMoveData;
    }

    /**
     * {@return whether {@code velero install} makes the service account itself (it is named {@code
     * velero})}
     */
    public boolean installMakesServiceAccount() {
        return VELERO_SERVICE_ACCOUNT.equals(serviceAccount);
    }

    /**
     * {@return the {@code velero install} command line, for a POSIX shell, each argument quoted
     * where it needs it (values known at deploy time are quoted by CloudFormation): provider aws (unless the
     * cluster has neither a location nor snapshots of its own, which the CLI refuses it with), the plugin, the
     * bucket, the cluster's prefix and the bucket's region (or {@code --no-default-backup-location} for a
     * restore-only cluster), the snapshot location in the cluster's region (or none), the
     * node-agent for file-system backups, no credentials secret, the namespace, and the service
     * account: made and annotated by {@code velero install} when it is named {@code velero}, else
     * named here and made by {@link #serviceAccountManifest()} first}
     */
    public String installCommand() {
        List<String> args = new ArrayList<>(List.of("velero", "install"));
        if (location != null || snapshotRegion != null) {
            // The CLI refuses a provider with neither location: "--provider must be empty when using
            // --no-default-backup-location and --use-volume-snapshots=false" (velero 1.18.1).
            args.addAll(List.of("--provider", "aws"));
        }
        args.addAll(List.of("--plugins", pluginImage));
        if (location == null) {
            args.add("--no-default-backup-location");
        } else {
            args.addAll(List.of("--bucket", location.bucket()));
            if (location.prefix() != null) {
                args.addAll(List.of("--prefix", location.prefix()));
            }
            args.addAll(List.of("--backup-location-config", "region=" + location.region()));
        }
        if (snapshotRegion != null) {
            args.addAll(List.of("--snapshot-location-config", "region=" + snapshotRegion));
        } else {
            args.add("--use-volume-snapshots=false");
        }
        if (nodeAgent || snapshotMoveData) {
            args.add("--use-node-agent");
        }
        if (defaultVolumesToFsBackup()) {
            args.add("--default-volumes-to-fs-backup");
        }
        if (snapshotMoveData) {
            // Velero takes CSI snapshots only with its EnableCSI feature (pkg/util/csi/util.go).
            args.addAll(List.of("--features=" + CSI_FEATURE, "--default-snapshot-move-data"));
        }
        args.addAll(List.of("--no-secret", "--namespace", namespace));
        if (!installMakesServiceAccount()) {
            args.addAll(List.of("--service-account-name", serviceAccount));
        } else if (annotate()) {
            args.addAll(List.of("--sa-annotations", csvField(VeleroBackup.ROLE_ARN_ANNOTATION + "=" + roleArn)));
        }
        return Shell.command(args);
    }

    /**
     * {@return a {@code velero backup-location create} command line per location the cluster
     * restores from, for a POSIX shell, quoted as {@link #installCommand()} is: a {@code ReadOnly}
     * location on the source's prefix, in Velero's namespace; run after {@code velero install}}
     */
    public List<String> backupLocationCommands() {
        return restoreLocations.stream().map(l -> {
            List<String> args = new ArrayList<>(List.of("velero", "backup-location", "create", l.name(),
                    "--provider", "aws", "--bucket", l.bucket()));
            if (l.prefix() != null) {
                args.addAll(List.of("--prefix", l.prefix()));
            }
            args.addAll(List.of("--config", "region=" + l.region(), "--access-mode", "ReadOnly",
                    "--namespace", namespace));
            return Shell.command(args);
        }).toList();
    }

    /**
     * One {@code key=value} of a map flag of the velero CLI ({@code --sa-annotations}), which
     * reads its value as a line of CSV: a pair with a comma or a double quote in it (a role path
     * or name may hold both) is quoted as CSV quotes a field, {@code "} doubled. The parts of a
     * role's ARN known only at deploy time (partition, account, a generated name) hold neither.
     */
    static String csvField(String pair) {
        if (pair.indexOf(',') < 0 && pair.indexOf('"') < 0 && pair.indexOf('\n') < 0 && pair.indexOf('\r') < 0) {
            return pair;
        }
        return "\"" + pair.replace("\"", "\"\"") + "\"";
    }

    /**
     * {@return what {@code velero install --service-account-name} expects to exist already, as a
     * Kubernetes {@code List} for {@code kubectl apply -f -}: Velero's namespace with the labels
     * {@code velero install} gives it, the service account (with the role annotation under IRSA)
     * and the {@code cluster-admin} binding {@code velero install} would have made for an account
     * named {@code velero}. {@code null} when the account is named {@code velero}: then {@code
     * velero install} makes them itself}
     */
    public Map<String, Object> serviceAccountManifest() {
        if (installMakesServiceAccount()) {
            return null;
        }
        Map<String, String> namespaceLabels = new LinkedHashMap<>(VELERO_LABELS);
        for (String mode : List.of("enforce", "audit", "warn")) {
            namespaceLabels.put("pod-security.kubernetes.io/" + mode, "privileged");
            namespaceLabels.put("pod-security.kubernetes.io/" + mode + "-version", "latest");
        }
        Map<String, Object> namespaceMeta = new LinkedHashMap<>();
        namespaceMeta.put("name", namespace);
        namespaceMeta.put("labels", namespaceLabels);

        Map<String, Object> accountMeta = new LinkedHashMap<>();
        accountMeta.put("name", serviceAccount);
        accountMeta.put("namespace", namespace);
        accountMeta.put("labels", VELERO_LABELS);
        if (annotate()) {
            accountMeta.put("annotations", Map.of(VeleroBackup.ROLE_ARN_ANNOTATION, roleArn));
        }

        Map<String, Object> bindingMeta = new LinkedHashMap<>();
        bindingMeta.put("name", VELERO_NAMESPACE.equals(namespace) ? "velero" : "velero-" + namespace);
        bindingMeta.put("labels", VELERO_LABELS);
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("kind", "ServiceAccount");
        subject.put("namespace", namespace);
        subject.put("name", serviceAccount);
        Map<String, Object> roleRef = new LinkedHashMap<>();
        roleRef.put("kind", "ClusterRole");
        roleRef.put("name", "cluster-admin");
        roleRef.put("apiGroup", "rbac.authorization.k8s.io");
        Map<String, Object> binding = object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", bindingMeta);
        binding.put("subjects", List.of(subject));
        binding.put("roleRef", roleRef);

        Map<String, Object> list = new LinkedHashMap<>();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.put("items", List.of(object("v1", "Namespace", namespaceMeta),
                object("v1", "ServiceAccount", accountMeta), binding));
        return list;
    }

    private static Map<String, Object> object(String apiVersion, String kind, Map<String, Object> metadata) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", metadata);
        return o;
    }

    /**
     * {@return Values for the vmware-tanzu {@code velero} Helm chart (12.x), for a release in
     * {@link #namespace()}: the plugin as an init container, the default backup storage location,
     * the volume snapshot location (or snapshots off), the node-agent, no credentials secret, and
     * the service account the chart makes and binds, annotated under IRSA}
     */
    public Map<String, Object> helmValues() {
        Map<String, Object> mount = new LinkedHashMap<>();
        mount.put("mountPath", "/target");
        mount.put("name", "plugins");
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("name", "velero-plugin-for-aws");
        plugin.put("image", pluginImage);
        plugin.put("volumeMounts", List.of(mount));

        List<Map<String, Object>> bsls = new ArrayList<>();
        if (location != null) {
            Map<String, Object> bsl = storageLocation(location);
            bsl.put("default", true);
            bsls.add(bsl);
        }
        for (BackupLocation l : restoreLocations) {
            Map<String, Object> bsl = storageLocation(l);
            bsl.put("accessMode", "ReadOnly");
            bsls.add(bsl);
        }
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("backupStorageLocation", bsls);
        if (snapshotRegion != null) {
            Map<String, Object> vsl = location("default");
            vsl.put("config", Map.of("region", snapshotRegion));
            configuration.put("volumeSnapshotLocation", List.of(vsl));
        }
        if (defaultVolumesToFsBackup()) {
            configuration.put("defaultVolumesToFsBackup", true);
        }
        if (snapshotMoveData) {
            configuration.put("features", CSI_FEATURE);
            configuration.put("defaultSnapshotMoveData", true);
        }

        Map<String, Object> server = new LinkedHashMap<>();
        server.put("create", true);
        server.put("name", serviceAccount);
        if (annotate()) {
            server.put("annotations", Map.of(VeleroBackup.ROLE_ARN_ANNOTATION, roleArn));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("initContainers", List.of(plugin));
        values.put("configuration", configuration);
        values.put("snapshotsEnabled", snapshotRegion != null);
        values.put("deployNodeAgent", nodeAgent || snapshotMoveData);
        values.put("credentials", Map.of("useSecret", false));
        values.put("serviceAccount", Map.of("server", server));
        return values;
    }

    private static Map<String, Object> location(String name) {
        Map<String, Object> location = new LinkedHashMap<>();
        location.put("name", name);
        location.put("provider", "aws");
        return location;
    }

    private static Map<String, Object> storageLocation(BackupLocation l) {
        Map<String, Object> bsl = location(l.name());
        bsl.put("bucket", l.bucket());
        if (l.prefix() != null) {
            bsl.put("prefix", l.prefix());
        }
        bsl.put("config", Map.of("region", l.region()));
        return bsl;
    }

    /**
     * Everything a cluster needs, as one JSON object for a stack output: the clusters it is for,
     * the namespace and service account, the role ARN (IRSA), the manifest to apply first (only when
     * {@code velero install} cannot make the account), the {@code velero install} command and the
     * Helm values.
     *
     * @param clusters the names of the clusters the output is for
     * @return the object, as maps, lists and strings (tokens where a value is known at deploy time)
     */
    public Map<String, Object> toOutput(List<String> clusters) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clusters", List.copyOf(clusters));
        out.put("namespace", namespace);
        out.put("serviceAccount", serviceAccount);
        if (roleArn != null) {
            out.put("roleArn", roleArn);
        }
        Map<String, Object> manifest = serviceAccountManifest();
        if (manifest != null) {
            out.put("serviceAccountManifest", manifest);
        }
        out.put("veleroInstall", installCommand());
        if (!restoreLocations.isEmpty()) {
            out.put("veleroBackupLocations", backupLocationCommands());
        }
        out.put("helmValues", helmValues());
        return out;
    }
}
