package io.kubedyn.bench;

/**
 * What the benchmark's tables are created with beyond their keys, so the cost of a feature shows
 * against plain tables in the same run: a NEW_AND_OLD_IMAGES stream on every table, and two
 * global secondary indexes on the key-value table ({@code field0} projecting ALL, {@code field1}
 * KEYS_ONLY), which every update of a record moves.
 */
public record TableFeatures(boolean streams, boolean globalIndexes) {
    public static final TableFeatures PLAIN = new TableFeatures(false, false);
    public static final TableFeatures STREAMS = new TableFeatures(true, false);
    public static final TableFeatures GLOBAL_INDEXES = new TableFeatures(false, true);
}
