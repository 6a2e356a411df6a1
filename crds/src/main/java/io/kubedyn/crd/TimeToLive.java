package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** DynamoDB's TimeToLiveSpecification: present means enabled. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TimeToLive {

  @Required
  @Size(min = 1, max = 255)
  private String attributeName;

  public String getAttributeName() {
    return attributeName;
  }

  public void setAttributeName(String attributeName) {
    this.attributeName = attributeName;
  }
}
