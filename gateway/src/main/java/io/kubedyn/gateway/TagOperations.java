package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ResourceArns;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableTags;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TagResource, UntagResource and ListTagsOfResource: a table's tags, addressed by its ARN, kept in
 * the table's definition through the control plane (on Kubernetes, the {@code Table}'s
 * {@code spec.tags}). {@link TableTags} holds the rules.
 */
final class TagOperations {
    /** ListTagsOfResource's page; a table has at most 50 tags, so one page holds them all. */
    static final int PAGE = TableTags.MAX_TAGS;

    private final StoragePlane plane;

    TagOperations(StoragePlane plane) {
        this.plane = plane;
    }

    void register(Map<String, Operation> operations) {
        operations.put("TagResource", this::tagResource);
        operations.put("UntagResource", this::untagResource);
        operations.put("ListTagsOfResource", this::listTagsOfResource);
    }

    private void tagResource(Request request, JsonGenerator out) throws IOException {
        String arn = request.node("ResourceArn").textValue();
        JsonNode tags = request.node("Tags");
        Map<String, String> added = new LinkedHashMap<>();
        tags.forEach(
                tag -> added.put(tag.get("Key").textValue(), tag.get("Value").textValue()));
        retag(
                arn,
                tags.isEmpty() ? "Atleast one Tag needs to be provided as Input." : null,
                "Requested resource not found: ResourcArn: " + arn + " not found",
                current -> TableTags.tagged(current, added));
        out.writeStartObject();
        out.writeEndObject();
    }

    private void untagResource(Request request, JsonGenerator out) throws IOException {
        String arn = request.node("ResourceArn").textValue();
        JsonNode keys = request.node("TagKeys");
        List<String> removed = new ArrayList<>();
        keys.forEach(key -> removed.add(key.textValue()));
        retag(
                arn,
                keys.isEmpty() ? "Atleast one Tag Key needs to be provided as Input." : null,
                "Requested resource not found",
                current -> TableTags.untagged(current, removed));
        out.writeStartObject();
        out.writeEndObject();
    }

    /**
     * Gives the table of {@code arn} the tags {@code change} makes of its current ones, in
     * DynamoDB's order: the ARN's form, an empty request ({@code empty}, DynamoDB's words when the
     * request has no tag), the table ({@code notFound}).
     */
    private void retag(
            String arn, String empty, String notFound, java.util.function.UnaryOperator<Map<String, String>> change) {
        String name = tableOf(arn);
        if (empty != null) {
            throw DynamoDbException.validation(empty);
        }
        TableDefinition table = table(name, notFound);
        plane.controlPlane().updateTable(table, table.withTags(change.apply(table.tags())));
    }

    /**
     * The table's tags, {@link #PAGE} at a time: NextToken is the number of tags already listed
     * (a token that is not one of ours starts from the first).
     */
    private void listTagsOfResource(Request request, JsonGenerator out) throws IOException {
        String arn = request.node("ResourceArn").textValue();
        String name = tableOf(arn);
        TableDefinition table = table(name, "Requested resource not found: ResourcArn: " + arn + " not found");
        int from = 0;
        if (request.has("NextToken")) {
            try {
                from = Math.max(0, Integer.parseInt(request.node("NextToken").textValue()));
            } catch (NumberFormatException e) {
                throw DynamoDbException.validation(
                        "Invalid NextToken: " + request.node("NextToken").textValue());
            }
        }
        List<Map.Entry<String, String>> tags = new ArrayList<>(table.tags().entrySet());
        int to = Math.min(tags.size(), from + PAGE);
        out.writeStartObject();
        out.writeArrayFieldStart("Tags");
        for (Map.Entry<String, String> tag : tags.subList(Math.min(from, to), to)) {
            out.writeStartObject();
            out.writeStringField("Key", tag.getKey());
            out.writeStringField("Value", tag.getValue());
            out.writeEndObject();
        }
        out.writeEndArray();
        if (to < tags.size()) {
            out.writeStringField("NextToken", Integer.toString(to));
        }
        out.writeEndObject();
    }

    /** The table a table ARN names, or DynamoDB's ValidationException for any other ARN. */
    private static String tableOf(String arn) {
        return ResourceArns.parseTable(arn)
                .orElseThrow(() ->
                        DynamoDbException.validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn));
    }

    private TableDefinition table(String name, String notFound) {
        return plane.catalog()
                .describe(name)
                .orElseThrow(() -> DynamoDbException.resourceNotFound(notFound))
                .definition();
    }
}
