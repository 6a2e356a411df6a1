package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ResourceArns;
import io.kubedyn.core.ShardMap;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableStream;
import io.kubedyn.storage.ChangePage;
import io.kubedyn.storage.ChangeRecord;
import io.kubedyn.storage.PartitionStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The DynamoDB Streams API ({@code X-Amz-Target: DynamoDBStreams_20120810.<Operation>}, on the
 * same endpoint): ListStreams, DescribeStream, GetShardIterator and GetRecords over the tables'
 * change logs. A table's stream has a shard per storage shard and per split it took part in
 * ({@link StreamShard}: a split closes the parent and opens its children); records are read
 * from the storage shard's change log, never past a write still in flight.
 */
final class StreamOperations {
    static final String TARGET_PREFIX = "DynamoDBStreams_20120810.";
    /** GetRecords returns at most 1 MB of records, and 1,000 records. */
    private static final long MAX_RECORDS_BYTES = PartitionStore.PAGE_BYTES;

    private static final int MAX_RECORDS = 1000;

    private final StoragePlane plane;
    private final Clock clock;

    StreamOperations(StoragePlane plane, Clock clock) {
        this.plane = plane;
        this.clock = clock;
    }

    void register(Map<String, Operation> operations) {
        operations.put("ListStreams", this::listStreams);
        operations.put("DescribeStream", this::describeStream);
        operations.put("GetShardIterator", this::getShardIterator);
        operations.put("GetRecords", this::getRecords);
    }

    // ---- names -------------------------------------------------------------------------------

    /**
     * Every shard of the table's stream with its lineage, each storage shard's log asked what it
     * holds ({@link StreamShard}), with where each log stands.
     */
    private List<StreamShard> shards(TableDefinition table, Map<String, ChangePage> logs) {
        List<StreamShard> all = new ArrayList<>();
        for (ShardMap.Shard storage : plane.router().storageShards(table)) {
            ChangePage log = plane.router().readChanges(table, storage.address(), 0, 0, 0);
            logs.put(storage.address(), log);
            all.addAll(StreamShard.of(table, storage.address(), storage.range(), log));
        }
        return StreamShard.lineage(all);
    }

    /** The stream shard {@code shardId} of the log at {@code address}, as {@code log} (read from it) says. */
    private StreamShard shardOf(TableDefinition table, String address, String shardId, ChangePage log) {
        HashRange mapRange = plane.router().storageShards(table).stream()
                .filter(s -> s.address().equals(address))
                .map(ShardMap.Shard::range)
                .findFirst()
                .orElseThrow(StreamOperations::noSuchShard);
        return StreamShard.of(table, address, mapRange, log).stream()
                .filter(s -> s.id().equals(shardId))
                .findFirst()
                .orElseThrow(StreamOperations::noSuchShard);
    }

    private static DynamoDbException noSuchShard() {
        return DynamoDbException.resourceNotFound("Requested resource not found: Shard does not exist");
    }

    /** Sequence numbers as DynamoDB writes them: decimal digits (21, so that they sort as text too). */
    static String sequenceNumber(long sequence) {
        return String.format("%021d", sequence);
    }

    private static long parseSequenceNumber(String text) {
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw DynamoDbException.validation("1 validation error detected: Value '" + text + "' at 'sequenceNumber' "
                + "failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+ "
                + "(and be a sequence number this stream handed out)");
    }

    // ---- operations ----------------------------------------------------------------------------

    private void listStreams(Request request, JsonGenerator out) throws IOException {
        String only = request.string("TableName");
        if (only != null) {
            checkTableName(only, "tableName");
        }
        Integer asked = limit(request, 100);
        int limit = asked == null ? 100 : asked;
        String exclusiveStart = request.string("ExclusiveStartStreamArn");
        List<String[]> streams = new ArrayList<>();
        for (String name : only == null ? plane.catalog().names() : List.of(only)) {
            plane.catalog()
                    .describe(name)
                    .map(TableCatalog.TableDescription::definition)
                    .flatMap(TableDefinition::streamEnabled)
                    .ifPresent(stream -> streams.add(
                            new String[] {ResourceArns.stream(name, stream.label()), name, stream.label()}));
        }
        int from = 0;
        if (exclusiveStart != null) {
            while (from < streams.size() && !streams.get(from)[0].equals(exclusiveStart)) {
                from++;
            }
            from = Math.min(from + 1, streams.size());
        }
        List<String[]> page = streams.subList(from, Math.min(streams.size(), from + limit));
        out.writeStartObject();
        out.writeArrayFieldStart("Streams");
        for (String[] stream : page) {
            out.writeStartObject();
            out.writeStringField("StreamArn", stream[0]);
            out.writeStringField("TableName", stream[1]);
            out.writeStringField("StreamLabel", stream[2]);
            out.writeEndObject();
        }
        out.writeEndArray();
        if (from + limit < streams.size()) {
            out.writeStringField("LastEvaluatedStreamArn", page.get(page.size() - 1)[0]);
        }
        out.writeEndObject();
    }

    private void describeStream(Request request, JsonGenerator out) throws IOException {
        String arn = required(request, "StreamArn", "streamArn");
        Integer limit = limit(request, 100);
        String exclusiveStart = request.string("ExclusiveStartShardId");
        TableDefinition table = streamed(arn);
        TableStream stream = table.stream();
        Map<String, ChangePage> logs = new java.util.HashMap<>();
        // A closed shard whose records were all trimmed is no longer listed (DynamoDB lists a
        // shard for 24 hours after it closes); its children still name it as their parent.
        List<StreamShard> shards = shards(table, logs).stream()
                .filter(s -> !s.closed() || s.through() >= logs.get(s.address()).trimHorizon())
                .toList();
        int first = 0;
        if (exclusiveStart != null) {
            while (first < shards.size() && !shards.get(first).id().equals(exclusiveStart)) {
                first++;
            }
            if (first == shards.size()) {
                throw noSuchShard();
            }
            first++;
        }
        int last = Math.min(shards.size(), first + (limit == null ? 100 : limit));
        out.writeStartObject();
        out.writeObjectFieldStart("StreamDescription");
        out.writeStringField("StreamArn", arn);
        out.writeStringField("StreamLabel", stream.label());
        out.writeStringField("StreamStatus", "ENABLED");
        out.writeStringField("StreamViewType", stream.viewType().name());
        out.writeFieldName("CreationRequestDateTime");
        out.writeNumber(BigDecimal.valueOf(stream.enabledMillis(), 3));
        out.writeStringField("TableName", table.name());
        TableDescriptionWriter.keySchema(out, table);
        out.writeArrayFieldStart("Shards");
        for (StreamShard shard : shards.subList(first, last)) {
            out.writeStartObject();
            out.writeStringField("ShardId", shard.id());
            if (shard.parentId() != null) {
                out.writeStringField("ParentShardId", shard.parentId());
            }
            out.writeObjectFieldStart("SequenceNumberRange");
            out.writeStringField(
                    "StartingSequenceNumber",
                    sequenceNumber(Math.max(logs.get(shard.address()).trimHorizon(), shard.after() + 1)));
            if (shard.closed()) {
                out.writeStringField("EndingSequenceNumber", sequenceNumber(shard.through()));
            }
            out.writeEndObject();
            out.writeEndObject();
        }
        out.writeEndArray();
        if (last < shards.size()) {
            out.writeStringField("LastEvaluatedShardId", shards.get(last - 1).id());
        }
        out.writeEndObject();
        out.writeEndObject();
    }

    private void getShardIterator(Request request, JsonGenerator out) throws IOException {
        String arn = required(request, "StreamArn", "streamArn");
        String shardId = required(request, "ShardId", "shardId");
        String type = oneOf(
                request,
                "ShardIteratorType",
                "shardIteratorType",
                "TRIM_HORIZON",
                "LATEST",
                "AT_SEQUENCE_NUMBER",
                "AFTER_SEQUENCE_NUMBER");
        if (type == null) {
            throw DynamoDbException.validation("1 validation error detected: Value null at 'shardIteratorType' failed "
                    + "to satisfy constraint: Member must not be null");
        }
        String sequenceText = request.string("SequenceNumber");
        boolean bySequence = type.equals("AT_SEQUENCE_NUMBER") || type.equals("AFTER_SEQUENCE_NUMBER");
        if (bySequence && sequenceText == null) {
            throw DynamoDbException.validation("Must specify SequenceNumber with ShardIteratorType " + type);
        }
        if (!bySequence && sequenceText != null) {
            throw DynamoDbException.validation("Cannot specify SequenceNumber with ShardIteratorType " + type);
        }
        TableDefinition table = streamed(arn);
        Map<String, ChangePage> logs = new java.util.HashMap<>();
        StreamShard shard = shards(table, logs).stream()
                .filter(s -> s.id().equals(shardId))
                .findFirst()
                .orElseThrow(StreamOperations::noSuchShard);
        ChangePage now = logs.get(shard.address());
        long next = switch (type) {
            case "TRIM_HORIZON" -> 0;
            case "LATEST" -> shard.closed() ? shard.through() + 1 : now.latest() + 1;
            default -> parseSequenceNumber(sequenceText) + (type.equals("AFTER_SEQUENCE_NUMBER") ? 1 : 0);
        };
        if (bySequence && parseSequenceNumber(sequenceText) <= now.trimmedThrough()) {
            throw trimmed(sequenceText);
        }
        ShardIterator iterator = new ShardIterator(
                table.name(),
                table.tableId(),
                table.stream().label(),
                shard.id(),
                shard.address(),
                next,
                clock.millis());
        out.writeStartObject();
        out.writeStringField("ShardIterator", iterator.encode());
        out.writeEndObject();
    }

    private void getRecords(Request request, JsonGenerator out) throws IOException {
        ShardIterator iterator = ShardIterator.decode(required(request, "ShardIterator", "shardIterator"));
        Integer limit = limit(request, MAX_RECORDS);
        long now = clock.millis();
        iterator.checkFresh(now);
        TableDefinition table = plane.catalog()
                .table(iterator.table())
                .filter(t -> t.tableId().equals(iterator.tableId()))
                .filter(t -> t.stream() != null && t.stream().label().equals(iterator.label()))
                .orElseThrow(
                        () -> ResourceArns.streamNotFound(ResourceArns.stream(iterator.table(), iterator.label())));
        // Where the shard begins and ends now (a split may have closed it since the last call):
        // every page says so, read by the pod with the records, so they come in the same call.
        // An iterator from the shard's oldest record (0) first asks for no record: where that
        // record is, the shard's start says.
        int wanted = limit == null ? MAX_RECORDS : limit;
        ChangePage page = plane.router()
                .readChanges(
                        table,
                        iterator.address(),
                        iterator.next(),
                        iterator.next() == 0 ? 0 : wanted,
                        iterator.next() == 0 ? 0 : MAX_RECORDS_BYTES);
        StreamShard shard = shardOf(table, iterator.address(), iterator.shardId(), page);
        long from = Math.max(iterator.next(), shard.after() + 1);
        if (from != iterator.next()) {
            page = plane.router().readChanges(table, iterator.address(), from, wanted, MAX_RECORDS_BYTES);
        }
        if (iterator.next() > 0 && iterator.next() <= page.trimmedThrough()) {
            throw trimmed(sequenceNumber(iterator.next()));
        }
        List<ChangeRecord> records = page.records().stream()
                .filter(r -> r.sequence() <= shard.through())
                .toList();
        // An iterator from the shard's oldest record stays so until it reads one (never trimmed away).
        long next = records.isEmpty()
                ? iterator.next()
                : records.get(records.size() - 1).sequence() + 1;
        boolean ended = shard.closed() && ended(table, iterator.address(), shard, page, records, Math.max(next, from));
        out.writeStartObject();
        out.writeArrayFieldStart("Records");
        for (ChangeRecord record : records) {
            // The log also keeps, with both images, what only global secondary indexes need.
            if (record.streamed()) {
                writeRecord(out, table, record.as(table.stream().viewType()));
            }
        }
        out.writeEndArray();
        // A closed shard read to its end has no next iterator: the reader goes on to its children.
        if (!ended) {
            out.writeStringField("NextShardIterator", iterator.at(next, now).encode());
        }
        out.writeEndObject();
    }

    /**
     * Whether the reader of closed {@code shard} has every record of it once given {@code records}
     * (read from {@code page}): the log shows a later record, or nothing more up to its end, and
     * no write numbered within it is still in flight.
     */
    private boolean ended(
            TableDefinition table,
            String address,
            StreamShard shard,
            ChangePage page,
            List<ChangeRecord> records,
            long next) {
        if (records.size() < page.records().size()) {
            return true; // the page went past the shard's last record
        }
        if (page.latest() < shard.through()) {
            return false;
        }
        ChangePage rest = plane.router().readChanges(table, address, next, 1, MAX_RECORDS_BYTES);
        return rest.records().isEmpty() || rest.records().get(0).sequence() > shard.through();
    }

    private static void writeRecord(JsonGenerator out, TableDefinition table, ChangeRecord record) throws IOException {
        out.writeStartObject();
        out.writeStringField("eventID", table.tableId().replace("-", "").substring(0, 8) + "-" + record.sequence());
        out.writeStringField("eventName", record.eventName().name());
        out.writeStringField("eventVersion", "1.1");
        out.writeStringField("eventSource", "aws:dynamodb");
        out.writeStringField("awsRegion", "kubedyn");
        out.writeObjectFieldStart("dynamodb");
        out.writeFieldName("ApproximateCreationDateTime");
        out.writeNumber(record.approximateCreationMillis() / 1000);
        out.writeFieldName("Keys");
        AttributeValueJson.writeItem(out, record.keys());
        if (record.newImage() != null) {
            out.writeFieldName("NewImage");
            AttributeValueJson.writeItem(out, record.newImage());
        }
        if (record.oldImage() != null) {
            out.writeFieldName("OldImage");
            AttributeValueJson.writeItem(out, record.oldImage());
        }
        out.writeStringField("SequenceNumber", sequenceNumber(record.sequence()));
        out.writeNumberField("SizeBytes", record.sizeBytes());
        out.writeStringField("StreamViewType", table.stream().viewType().name());
        out.writeEndObject();
        if (record.byTimeToLive()) {
            out.writeObjectFieldStart("userIdentity");
            out.writeStringField("Type", "Service");
            out.writeStringField("PrincipalId", "dynamodb.amazonaws.com");
            out.writeEndObject();
        }
        out.writeEndObject();
    }

    /** The table of a stream ARN whose stream is the table's current one; ResourceNotFoundException otherwise. */
    private TableDefinition streamed(String arn) {
        ResourceArns.Stream stream = ResourceArns.parseStream(arn).orElseThrow(() -> ResourceArns.streamNotFound(arn));
        return plane.catalog()
                .table(stream.table())
                .filter(t -> t.stream() != null && t.stream().label().equals(stream.label()))
                .orElseThrow(() -> ResourceArns.streamNotFound(arn));
    }

    // The Streams API has no published model: its operations check their members here, in the
    // words of DynamoDB's input validation.

    /** Limit, from 1 to {@code max}; null when absent. */
    private static Integer limit(Request request, int max) {
        Integer limit = request.integer("Limit");
        if (limit != null && (limit < 1 || limit > max)) {
            throw DynamoDbException.validation(
                    "1 validation error detected: Value '" + limit + "' at 'limit' failed to "
                            + "satisfy constraint: Member must have value "
                            + (limit < 1 ? "greater than or equal to 1" : "less than or equal to " + max));
        }
        return limit;
    }

    /** One of the allowed values; null when absent. */
    private static String oneOf(Request request, String member, String constraintName, String... allowed) {
        String value = request.string(member);
        if (value == null || java.util.Arrays.asList(allowed).contains(value)) {
            return value;
        }
        throw DynamoDbException.validation("1 validation error detected: Value '" + value + "' at '" + constraintName
                + "' failed to satisfy constraint: Member must satisfy enum value set: [" + String.join(", ", allowed)
                + "]");
    }

    private static void checkTableName(String name, String member) {
        io.kubedyn.core.TableName.violation(name).ifPresent(violation -> {
            throw DynamoDbException.validation("1 validation error detected: Value '" + name + "' at '" + member
                    + "' failed to satisfy constraint: "
                    + switch (violation) {
                        case TOO_SHORT ->
                            "Member must have length greater than or equal to " + io.kubedyn.core.TableName.MIN_LENGTH;
                        case TOO_LONG ->
                            "Member must have length less than or equal to " + io.kubedyn.core.TableName.MAX_LENGTH;
                        case BAD_CHARACTERS ->
                            "Member must satisfy regular expression pattern: " + io.kubedyn.core.TableName.PATTERN;
                    });
        });
    }

    private static String required(Request request, String member, String constraintName) {
        String value = request.string(member);
        if (value == null) {
            throw DynamoDbException.validation("1 validation error detected: Value null at '" + constraintName
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static DynamoDbException trimmed(String sequenceNumber) {
        return new DynamoDbException(
                DynamoDbError.TRIMMED_DATA_ACCESS,
                "The operation attempted to read past the " + "oldest stream record in a shard: sequence number "
                        + sequenceNumber + " was trimmed");
    }
}
