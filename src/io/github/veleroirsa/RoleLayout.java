package io.github.veleroirsa;

/** Which role a cluster that names none ({@link EksCluster.Builder#role}) uses. */
public enum RoleLayout {
    /** One role, construct ID {@code Role}, for every cluster that names none. */
    SHARED,
    /**
     * A role of its own for every cluster that names none, named after the cluster (construct
     * ID {@code Roles/<cluster name>}): a fleet of any size, each role trusting one cluster.
     */
    PER_CLUSTER
}
