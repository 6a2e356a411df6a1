package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** DynamoDB's LocalSecondaryIndex, and what a GlobalSecondaryIndex shares with it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class SecondaryIndex {

    @Required
    @Pattern("^[a-zA-Z0-9_.-]{3,255}$")
    private String indexName;

    /**
     * One HASH and at most one RANGE element; a global index may have up to four of each
     * (multi-attribute keys). Validation enforces the per-kind limits.
     */
    @Required
    @Size(min = 1, max = 8)
    private List<KeySchemaElement> keySchema = new ArrayList<>();

    @Required
    private Projection projection;

    public String getIndexName() {
        return indexName;
    }

    public void setIndexName(String indexName) {
        this.indexName = indexName;
    }

    public List<KeySchemaElement> getKeySchema() {
        return keySchema;
    }

    public void setKeySchema(List<KeySchemaElement> keySchema) {
        this.keySchema = keySchema;
    }

    public Projection getProjection() {
        return projection;
    }

    public void setProjection(Projection projection) {
        this.projection = projection;
    }
}
