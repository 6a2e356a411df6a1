package io.kubedyn.crd;

/** The values of {@code spec.deletionPolicy}. */
public final class DeletionPolicy {

    /** Keep the PersistentVolumeClaims (and so the data) when the Table is deleted. */
    public static final String RETAIN = "Retain";

    /** Delete the PersistentVolumeClaims with the Table. */
    public static final String DELETE = "Delete";

    private DeletionPolicy() {}
}
