package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/** Tags on CreateTable, TagResource, UntagResource and ListTagsOfResource, through the AWS SDK on both backends. */
@QuarkusTest
class TagsTest extends EmbeddedServerTest {

    private String createTagged(Tag... tags) {
        return dynamo.createTable(b -> b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .tags(tags))
                .tableDescription()
                .tableArn();
    }

    private List<String> tags(String arn) {
        return dynamo.listTagsOfResource(b -> b.resourceArn(arn)).tags().stream()
                .map(tag -> tag.key() + "=" + tag.value())
                .toList();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    @Test
    void createTableTagsAreListedAndTagResourceAddsAndReplacesAndUntagResourceRemoves() {
        String arn = createTagged(tag("team", "catalog"), tag("env", "test"));
        assertThat(tags(arn)).containsExactly("team=catalog", "env=test");

        dynamo.tagResource(b -> b.resourceArn(arn).tags(tag("env", "prod"), tag("cost-centre", "")));
        assertThat(tags(arn))
                .as("a key tagged again takes the new value")
                .containsExactly("team=catalog", "env=prod", "cost-centre=");

        dynamo.untagResource(b -> b.resourceArn(arn).tagKeys("team", "not-there"));
        assertThat(tags(arn)).as("a key the table has not is no error").containsExactly("env=prod", "cost-centre=");

        assertThat(dynamo.describeTable(b -> b.tableName(table)).table().tableArn())
                .isEqualTo(arn);
        dynamo.deleteTable(b -> b.tableName(table));
        assertThatThrownBy(() -> tags(arn))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageStartingWith("Requested resource not found: ResourcArn: " + arn + " not found");
    }

    @Test
    void aTableHoldsAtMostFiftyTagsAndATagThatBreaksARuleIsRefusedAndChangesNothing() {
        List<Tag> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fifty.add(tag("k" + i, "v" + i));
        }
        String arn = createTagged(fifty.toArray(Tag[]::new));
        assertThat(tags(arn)).hasSize(50);
        dynamo.tagResource(b -> b.resourceArn(arn).tags(tag("k0", "replaced")));

        assertThatThrownBy(() -> dynamo.tagResource(b -> b.resourceArn(arn).tags(tag("one-more", "x"))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Number of Tags exceed the current limit");
        assertThatThrownBy(() -> dynamo.tagResource(b -> b.resourceArn(arn).tags(tag("aws:created", "x"))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("aws: is reserved");
        dynamo.untagResource(b -> b.resourceArn(arn).tagKeys("k49"));
        assertThatThrownBy(() -> dynamo.tagResource(b -> b.resourceArn(arn).tags(tag("a#b", "x"))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("only letters, white space, numbers");
        assertThatThrownBy(() -> dynamo.tagResource(b -> b.resourceArn(arn).tags(tag("k", "x".repeat(257)))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("failed to satisfy constraint");

        List<String> listed = tags(arn);
        assertThat(listed).hasSize(49).contains("k0=replaced").doesNotContain("k49=v49");

        assertThatThrownBy(() -> createTaggedAs(table + "-2", tag("aws:x", "y")))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("aws: is reserved");
        assertThat(dynamo.listTables().tableNames())
                .as("a CreateTable with a bad tag creates nothing")
                .doesNotContain(table + "-2");
    }

    private void createTaggedAs(String name, Tag tag) {
        dynamo.createTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .tags(tag));
    }

    @Test
    void anArnThatNamesNoTableIsRefusedInDynamoDbsWords() {
        String missing = "arn:aws:dynamodb:us-east-1:000000000000:table/" + table;
        assertThatThrownBy(() -> dynamo.tagResource(b -> b.resourceArn(missing).tags(tag("a", "b"))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(
                        () -> dynamo.untagResource(b -> b.resourceArn(missing).tagKeys("a")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageStartingWith("Requested resource not found");
        assertThatThrownBy(() -> dynamo.listTagsOfResource(b -> b.resourceArn(missing + "/stream/x")))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Invalid TableArn: Invalid ResourceArn provided as input " + missing);
        assertThatThrownBy(() -> dynamo.listTagsOfResource(b -> b.resourceArn("not-an-arn")))
                .isInstanceOf(DynamoDbException.class)
                .satisfies(e -> assertThat(
                                ((DynamoDbException) e).awsErrorDetails().errorCode())
                        .isEqualTo("AccessDeniedException"));
    }
}
