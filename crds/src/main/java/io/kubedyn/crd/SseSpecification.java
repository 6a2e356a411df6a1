package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.AnyType;

/**
 * DynamoDB's SSESpecification. kubedyn stores data on the volumes the cluster gives it, encrypted
 * or not as their storage class says; a customer-managed KMS key is accepted and reported as not
 * honoured.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class SseSpecification {

    private Boolean enabled;

    @Pattern("^(AES256|KMS)$")
    private String sseType;

    @JsonProperty("kmsMasterKeyID")
    private String kmsMasterKeyId;

    /** ACK's reference to a KMS Key resource, kept as given. */
    private AnyType kmsMasterKeyRef;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public String getSseType() {
        return sseType;
    }

    public void setSseType(String sseType) {
        this.sseType = sseType;
    }

    public String getKmsMasterKeyId() {
        return kmsMasterKeyId;
    }

    public void setKmsMasterKeyId(String kmsMasterKeyId) {
        this.kmsMasterKeyId = kmsMasterKeyId;
    }

    public AnyType getKmsMasterKeyRef() {
        return kmsMasterKeyRef;
    }

    public void setKmsMasterKeyRef(AnyType kmsMasterKeyRef) {
        this.kmsMasterKeyRef = kmsMasterKeyRef;
    }
}
