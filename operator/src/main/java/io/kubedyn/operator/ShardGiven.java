package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an existing shard StatefulSet hands its pods when they start, which the operator keeps as
 * it is: a change of the pod template restarts every pod of the shard. The ranges a pod was
 * first given stay its start-up setting after a split (the store records what it owns since);
 * the range a new shard received stays, so the pod finds the hand-off done; and the shard map
 * the pods route index entries by changes only with the table's definition, whose change
 * restarts the pods anyway.
 */
public record ShardGiven(
        String ownedRanges,
        String receiveRange,
        String receiveFrom,
        String receiveRate,
        String shardMap,
        String tableDefinition) {

    static Map<Integer, ShardGiven> of(Collection<StatefulSet> statefulSets) {
        Map<Integer, ShardGiven> given = new TreeMap<>();
        for (StatefulSet statefulSet : statefulSets) {
            ShardStatefulSet.shardOf(statefulSet)
                    .ifPresent(shard -> given.put(
                            shard,
                            new ShardGiven(
                                    env(statefulSet, ShardStatefulSet.OWNED_RANGES_ENV),
                                    env(statefulSet, ShardStatefulSet.RECEIVE_RANGE_ENV),
                                    env(statefulSet, ShardStatefulSet.RECEIVE_FROM_ENV),
                                    env(statefulSet, ShardStatefulSet.HAND_OFF_RATE_ENV),
                                    env(statefulSet, ShardStatefulSet.SHARD_MAP_ENV),
                                    env(statefulSet, ShardStatefulSet.TABLE_DEFINITION_ENV))));
        }
        return given;
    }

    private static String env(StatefulSet statefulSet, String variable) {
        return ShardStatefulSet.envOf(statefulSet, variable).orElse(null);
    }

    /** The range this shard's pods were started to receive, with where from, if any. */
    Optional<ShardStatefulSet.Receiving> receiving() {
        return receiveRange == null || receiveFrom == null
                ? Optional.empty()
                : Optional.of(new ShardStatefulSet.Receiving(
                        receiveRange, receiveFrom, receiveRate == null ? 0 : Long.parseLong(receiveRate)));
    }
}
