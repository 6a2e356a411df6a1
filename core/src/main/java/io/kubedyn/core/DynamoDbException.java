package io.kubedyn.core;

/** A request DynamoDB would refuse, carrying the exact error type and message it would send. */
public class DynamoDbException extends RuntimeException {
    private final DynamoDbError error;

    public DynamoDbException(DynamoDbError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public DynamoDbError error() {
        return error;
    }

    public static DynamoDbException validation(String message) {
        return new DynamoDbException(DynamoDbError.VALIDATION, message);
    }

    /** DynamoDB's answer for a table that does not exist (or takes no requests: not ACTIVE). */
    public static DynamoDbException tableNotFound(String name) {
        return resourceNotFound("Requested resource not found: Table: " + name + " not found");
    }

    /** DynamoDB's answer to DeleteTable of a table with DeletionProtectionEnabled. */
    public static DynamoDbException deletionProtected() {
        return validation("Resource cannot be deleted as it is currently protected against deletion. "
                + "Disable deletion protection first.");
    }

    public static DynamoDbException resourceNotFound(String message) {
        return new DynamoDbException(DynamoDbError.RESOURCE_NOT_FOUND, message);
    }
}
