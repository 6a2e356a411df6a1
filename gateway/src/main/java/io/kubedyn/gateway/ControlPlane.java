package io.kubedyn.gateway;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.TableDefinition;

/**
 * CreateTable, DeleteTable and UpdateTable: whoever owns the tables' existence. On Kubernetes that is the
 * {@code Table} resource (the operator and the pods then provision the stores); for the embedded
 * server and storage pods configured by hand, where no operator runs, the gateway itself
 * ({@link StoreCatalog}).
 */
public interface ControlPlane {

    /**
     * Creates the table and answers it as created. The control plane may give it another id and
     * creation time than {@code table} proposes (a Kubernetes {@code Table} resource has its own
     * uid and creationTimestamp): CreateTable must answer what DescribeTable shows afterwards.
     */
    TableCatalog.TableDescription createTable(TableDefinition table);

    /** Deletes the table; answers its definition. ResourceNotFoundException when there is none. */
    TableDefinition deleteTable(String name);

    /**
     * Gives the table {@code table}'s settings (its stream, Time to Live, deletion protection,
     * global indexes), the same incarnation and key schema, if the table is still
     * {@code before} (what the caller read and changed): two UpdateTables at once never lose
     * one's change, the later is ResourceInUseException ({@link #changedMeanwhile}). Answers the
     * table as it is now.
     */
    TableCatalog.TableDescription updateTable(TableDefinition before, TableDefinition table);

    /** DynamoDB's answer to an UpdateTable of a table another update changed meanwhile. */
    static DynamoDbException changedMeanwhile(String table) {
        return new DynamoDbException(
                DynamoDbError.RESOURCE_IN_USE,
                "Attempt to change a resource which is still in use: Table is being updated: " + table);
    }
}
