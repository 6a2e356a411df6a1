package io.kubedyn.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;

/**
 * Two operator replicas must never reconcile the same Table at once: only the holder of a Lease
 * in the operator's namespace does. Quarkus activates this in the prod profile only.
 */
@Singleton
public class OperatorLeaderElection extends LeaderElectionConfiguration {

  public OperatorLeaderElection(OperatorSettings settings) {
    super(settings.leaseName());
  }
}
