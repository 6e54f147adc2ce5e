package io.github.veleroirsa;

/** Where in the bucket each cluster's backups live, and so what each role may reach there. */
public enum Isolation {
    /**
     * Each cluster under a prefix of its own ({@link EksCluster.Builder#prefix}, by default its
     * name): a role reads, writes and deletes only under its clusters' prefixes, reads the
     * prefixes of the clusters they restore from ({@link EksCluster.Builder#restoresFrom}) and
     * writes there only what a restore writes.
     */
    PER_CLUSTER,
    /**
     * Every cluster at the bucket's root, every role with the whole bucket: velero-irsa before
     * isolation, for setups that need it (a stack deployed before keeps its backups at the root).
     */
    SHARED
}
