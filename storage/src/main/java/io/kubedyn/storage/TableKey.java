package io.kubedyn.storage;

import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;

/** One key of a batch read, with the table incarnation it was validated against. */
public record TableKey(TableDefinition table, PrimaryKey key) {}
