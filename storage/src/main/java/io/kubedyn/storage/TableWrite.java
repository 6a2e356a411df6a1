package io.kubedyn.storage;

import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;

/** One write of a batch, with the table incarnation it was validated against. */
public record TableWrite(TableDefinition table, PrimaryKey key, ItemChange change) {}
