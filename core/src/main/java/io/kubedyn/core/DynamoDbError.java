package io.kubedyn.core;

/**
 * DynamoDB's error types as they appear in the {@code __type} field of an error response,
 * with the HTTP status DynamoDB answers them with and the field its body carries the message in
 * ({@code message}, {@code Message} for the service framework's own errors, or none).
 */
public enum DynamoDbError {
    /** Every ValidationException, input validation's and the operations' own, carries coral's type. */
    VALIDATION("com.amazon.coral.validate#ValidationException", 400),
    RESOURCE_NOT_FOUND("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", 400),
    RESOURCE_IN_USE("com.amazonaws.dynamodb.v20120810#ResourceInUseException", 400),
    CONDITIONAL_CHECK_FAILED("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", 400),
    ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED(
            "com.amazonaws.dynamodb.v20120810#ItemCollectionSizeLimitExceededException", 400),
    /** PartiQL: an INSERT of a key that is already in the table. */
    DUPLICATE_ITEM("com.amazonaws.dynamodb.v20120810#DuplicateItemException", 400),
    /** A transaction not done: one reason per action says why (DynamoDB capitalises this one's Message). */
    TRANSACTION_CANCELED("com.amazonaws.dynamodb.v20120810#TransactionCanceledException", 400, "Message"),
    /** A single-item write to an item held by a transaction in progress. */
    TRANSACTION_CONFLICT("com.amazonaws.dynamodb.v20120810#TransactionConflictException", 400),
    /** A transaction's ClientRequestToken reused with another request within ten minutes. */
    IDEMPOTENT_PARAMETER_MISMATCH("com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException", 400),
    LIMIT_EXCEEDED("com.amazonaws.dynamodb.v20120810#LimitExceededException", 400),
    SERIALIZATION("com.amazon.coral.service#SerializationException", 400, "Message"),
    UNKNOWN_OPERATION("com.amazon.coral.service#UnknownOperationException", 400, null),
    MISSING_AUTHENTICATION_TOKEN("com.amazon.coral.service#MissingAuthenticationTokenException", 400),
    INVALID_SIGNATURE("com.amazon.coral.service#InvalidSignatureException", 400),
    INCOMPLETE_SIGNATURE("com.amazon.coral.service#IncompleteSignatureException", 400),
    /** A call signed with an access key the server does not know. */
    UNRECOGNIZED_CLIENT("com.amazon.coral.service#UnrecognizedClientException", 400),
    /** An action refused on a resource the caller may not act on (the service framework's own error). */
    ACCESS_DENIED("com.amazon.coral.service#AccessDeniedException", 400, "Message"),
    INTERNAL_SERVER_ERROR("com.amazonaws.dynamodb.v20120810#InternalServerError", 500),
    /** The service framework's answer to more than it takes at once: clients retry it with back-off. */
    THROTTLING("com.amazon.coral.availability#ThrottlingException", 400),
    /** The continuous backups operations' word for a table that does not exist. */
    TABLE_NOT_FOUND("com.amazonaws.dynamodb.v20120810#TableNotFoundException", 400),
    /** Point-in-time recovery asked of a table that cannot have it. */
    CONTINUOUS_BACKUPS_UNAVAILABLE("com.amazonaws.dynamodb.v20120810#ContinuousBackupsUnavailableException", 400),
    /** DynamoDB Streams: a shard iterator older than 15 minutes. */
    EXPIRED_ITERATOR("com.amazonaws.dynamodb.v20120810#ExpiredIteratorException", 400),
    /** DynamoDB Streams: a position whose records were trimmed (older than the stream's retention). */
    TRIMMED_DATA_ACCESS("com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException", 400);

    private final String wireType;
    private final int httpStatus;
    private final String messageField;

    DynamoDbError(String wireType, int httpStatus) {
        this(wireType, httpStatus, "message");
    }

    DynamoDbError(String wireType, int httpStatus, String messageField) {
        this.wireType = wireType;
        this.httpStatus = httpStatus;
        this.messageField = messageField;
    }

    /** The body's field for the message, or null when DynamoDB sends the type alone. */
    public String messageField() {
        return messageField;
    }

    public String wireType() {
        return wireType;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
