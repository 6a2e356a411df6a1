package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.util.function.Consumer;

/**
 * Before taking part in leader election the operator asks the API server, through a
 * SelfSubjectRulesReview, whether it may use Leases. The mock server only stores objects and
 * cannot evaluate RBAC, so it answers here with the Lease rules the Helm chart grants.
 */
public class LeaseAccessReview implements Consumer<KubernetesServer> {

    @Override
    public void accept(KubernetesServer server) {
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(
                        201,
                        new SelfSubjectRulesReviewBuilder()
                                .withNewStatus()
                                .withIncomplete(false)
                                .addNewResourceRule()
                                .withApiGroups("coordination.k8s.io")
                                .withResources("leases")
                                .withVerbs("create")
                                .endResourceRule()
                                .addNewResourceRule()
                                .withApiGroups("coordination.k8s.io")
                                .withResources("leases")
                                .withResourceNames("kubedyn-operator-leader")
                                .withVerbs("get", "update", "patch")
                                .endResourceRule()
                                .endStatus()
                                .build())
                .always();
    }
}
