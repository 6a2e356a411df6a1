package io.kubedyn.gateway.cluster;

import io.kubedyn.core.ShardMap;
import java.util.Set;

/** Where the cluster backend learns which storage pods hold a table: configuration, or the Kubernetes API. */
public interface ShardMapSource {

    /** The table's shard map; a DynamoDB ResourceNotFoundException when it has none (yet). */
    ShardMap forTable(String table);

    /** Every storage pod any table lives on (ListTables asks them all). */
    Set<String> allAddresses();
}
