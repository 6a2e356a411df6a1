package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** DynamoDB's OnDemandThroughput: request-unit ceilings of a PAY_PER_REQUEST table or index. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class OnDemandThroughput {

    private Long maxReadRequestUnits;

    private Long maxWriteRequestUnits;

    public Long getMaxReadRequestUnits() {
        return maxReadRequestUnits;
    }

    public void setMaxReadRequestUnits(Long maxReadRequestUnits) {
        this.maxReadRequestUnits = maxReadRequestUnits;
    }

    public Long getMaxWriteRequestUnits() {
        return maxWriteRequestUnits;
    }

    public void setMaxWriteRequestUnits(Long maxWriteRequestUnits) {
        this.maxWriteRequestUnits = maxWriteRequestUnits;
    }
}
