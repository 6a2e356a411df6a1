package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * kubedyn's own: a table that grows by itself, as DynamoDB splits a partition past its size. A
 * shard whose data passes {@code maxShardSize} hands the upper half of its items (by bytes, cut
 * at their median partition key) to a new shard, until the table has {@code maxShards}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AutoSplit {

    @Required
    @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
    @JsonPropertyDescription(
            "A shard whose data (as RocksDB estimates it, compressed) grows past this Kubernetes quantity, such as 10Gi (DynamoDB's partition size), splits in two at the median of its items' bytes.")
    private String maxShardSize;

    @Required
    @Min(1)
    @Max(1024)
    @JsonPropertyDescription("The most shards the table grows to by itself; spec.shards stays the least.")
    private Integer maxShards;

    public String getMaxShardSize() {
        return maxShardSize;
    }

    public void setMaxShardSize(String maxShardSize) {
        this.maxShardSize = maxShardSize;
    }

    public Integer getMaxShards() {
        return maxShards;
    }

    public void setMaxShards(Integer maxShards) {
        this.maxShards = maxShards;
    }
}
