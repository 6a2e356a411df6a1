package io.kubedyn.core;

/**
 * Who the operator is to the storage pods, with internal TLS: its own certificate of the
 * internal authority names this subject, and a pod takes what only the operator may ask (a
 * change of its shard group's voters) from a caller presenting it and no other. The gateway's
 * and the pods' certificates come from the same authority but name other subjects.
 */
public final class OperatorCertificate {
    /** The subject's common name. */
    public static final String COMMON_NAME = "kubedyn operator";
    /** The subject as an X.500 name, as a TLS session's peer principal gives it. */
    public static final String SUBJECT = "CN=" + COMMON_NAME;

    private OperatorCertificate() {}
}
