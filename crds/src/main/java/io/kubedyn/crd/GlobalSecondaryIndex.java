package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** DynamoDB's GlobalSecondaryIndex: a secondary index with its own capacity settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class GlobalSecondaryIndex extends SecondaryIndex {

    private ProvisionedThroughput provisionedThroughput;

    private OnDemandThroughput onDemandThroughput;

    public ProvisionedThroughput getProvisionedThroughput() {
        return provisionedThroughput;
    }

    public void setProvisionedThroughput(ProvisionedThroughput provisionedThroughput) {
        this.provisionedThroughput = provisionedThroughput;
    }

    public OnDemandThroughput getOnDemandThroughput() {
        return onDemandThroughput;
    }

    public void setOnDemandThroughput(OnDemandThroughput onDemandThroughput) {
        this.onDemandThroughput = onDemandThroughput;
    }
}
