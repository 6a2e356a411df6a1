package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyChooserTest {
    private static final int N = 1000;

    @Test
    void zipfianRanksFollowOneOverRankToTheTheta() {
        KeyChooser.Zipfian zipfian = new KeyChooser.Zipfian(N, KeyChooser.Zipfian.YCSB_THETA, 1);
        SplittableRandom random = new SplittableRandom(3);
        int draws = 200_000;
        int[] counts = new int[N];
        for (int i = 0; i < draws; i++) {
            int rank = zipfian.rank(random.nextDouble());
            assertThat(rank).isBetween(0, N - 1);
            counts[rank]++;
        }
        // P(rank 0) = 1 / zeta(1000, 0.99) ~ 0.134; rank 1 about half of that; the tail is thin.
        assertThat(counts[0] / (double) draws).isBetween(0.12, 0.15);
        assertThat(counts[1] / (double) counts[0]).isBetween(0.45, 0.56);
        int top10 = Arrays.stream(counts, 0, 10).sum();
        assertThat(top10 / (double) draws).isBetween(0.35, 0.45);
        assertThat(counts[N - 1]).isLessThan(counts[0] / 100);
    }

    @Test
    void theHotRecordsAreScatteredAndEveryIndexIsInRange() {
        KeyChooser zipfian = KeyChooser.of("zipfian", N, 7);
        int[] counts = new int[N];
        for (int i = 0; i < 100_000; i++) {
            counts[zipfian.next()]++;
        }
        int hottest = 0;
        for (int i = 1; i < N; i++) {
            hottest = counts[i] > counts[hottest] ? i : hottest;
        }
        assertThat(counts[hottest]).isGreaterThan(10_000);
        // The permutation is a shuffle: with this seed the hottest record is not the first index.
        assertThat(hottest).isNotZero();
    }

    @Test
    void uniformCoversTheRangeEvenlyAndUnknownNamesAreRefused() {
        KeyChooser uniform = KeyChooser.of("uniform", 10, 1);
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++) {
            counts[uniform.next()]++;
        }
        for (int count : counts) {
            assertThat(count).isBetween(9_000, 11_000);
        }
        assertThatThrownBy(() -> KeyChooser.of("latest", 10, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
