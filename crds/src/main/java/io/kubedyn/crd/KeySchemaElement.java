package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** DynamoDB's KeySchemaElement: HASH names the partition key, RANGE the sort key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class KeySchemaElement {

    /** The partition key's key type. */
    public static final String HASH = "HASH";

    /** The sort key's key type. */
    public static final String RANGE = "RANGE";

    @Required
    @Size(min = 1, max = 255)
    private String attributeName;

    @Required
    @Pattern("^(HASH|RANGE)$")
    @JsonPropertyDescription("HASH (partition key) or RANGE (sort key).")
    private String keyType;

    public KeySchemaElement() {}

    public KeySchemaElement(String attributeName, String keyType) {
        this.attributeName = attributeName;
        this.keyType = keyType;
    }

    public String getAttributeName() {
        return attributeName;
    }

    public void setAttributeName(String attributeName) {
        this.attributeName = attributeName;
    }

    public String getKeyType() {
        return keyType;
    }

    public void setKeyType(String keyType) {
        this.keyType = keyType;
    }
}
