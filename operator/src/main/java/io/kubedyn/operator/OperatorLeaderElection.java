package io.kubedyn.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;

/**
 * Two operator replicas must never reconcile the same Table at once: only the holder of a Lease
 * in the operator's namespace does. A replica that loses the Lease exits, so that Kubernetes
 * restarts it as a follower rather than letting it finish reconciliations another leader may
 * already be running.
 */
@Singleton
public class OperatorLeaderElection extends LeaderElectionConfiguration {

    public OperatorLeaderElection(OperatorSettings settings) {
        super(
                settings.leaseName(),
                null,
                LEASE_DURATION_DEFAULT_VALUE,
                RENEW_DEADLINE_DEFAULT_VALUE,
                RETRY_PERIOD_DEFAULT_VALUE,
                null,
                null,
                settings.exitOnLostLeadership());
    }
}
