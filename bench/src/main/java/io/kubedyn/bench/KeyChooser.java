package io.kubedyn.bench;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which record a request touches: uniformly, or YCSB's scrambled Zipfian (a few records are hot,
 * and the hot ones are spread over the key space rather than bunched at its start). Immutable
 * after construction, so every client thread can draw from one instance.
 */
public interface KeyChooser {
    /** An index in [0, n). */
    int next();

    static KeyChooser of(String distribution, int n, long seed) {
        return switch (distribution) {
            case "uniform" -> new Uniform(n);
            case "zipfian" -> new Zipfian(n, Zipfian.YCSB_THETA, seed);
            default -> throw new IllegalArgumentException("distribution must be uniform or zipfian: " + distribution);
        };
    }

    record Uniform(int n) implements KeyChooser {
        @Override
        public int next() {
            return ThreadLocalRandom.current().nextInt(n);
        }
    }

    /**
     * Gray et al.'s Zipfian generator ("Quickly generating billion-record synthetic databases",
     * as YCSB implements it): rank r is drawn with probability proportional to 1 / (r + 1)^theta,
     * then mapped through a fixed random permutation of the indexes.
     */
    final class Zipfian implements KeyChooser {
        /** YCSB's default skew. */
        public static final double YCSB_THETA = 0.99;

        private final int n;
        private final double theta;
        private final double zetaN;
        private final double alpha;
        private final double eta;
        private final int[] permutation;

        public Zipfian(int n, double theta, long seed) {
            if (n < 1) {
                throw new IllegalArgumentException("n must be positive");
            }
            this.n = n;
            this.theta = theta;
            this.zetaN = zeta(n, theta);
            this.alpha = 1.0 / (1.0 - theta);
            this.eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta(2, theta) / zetaN);
            permutation = new int[n];
            for (int i = 0; i < n; i++) {
                permutation[i] = i;
            }
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = permutation[i];
                permutation[i] = permutation[j];
                permutation[j] = swap;
            }
        }

        private static double zeta(long n, double theta) {
            double sum = 0;
            for (long i = 1; i <= n; i++) {
                sum += 1 / Math.pow(i, theta);
            }
            return sum;
        }

        /** The rank drawn for a uniform {@code u} in [0, 1): 0 is the most popular. */
        int rank(double u) {
            double uz = u * zetaN;
            if (uz < 1.0) {
                return 0;
            }
            if (uz < 1.0 + Math.pow(0.5, theta)) {
                return Math.min(1, n - 1);
            }
            return (int) Math.min(n - 1, (long) (n * Math.pow(eta * u - eta + 1, alpha)));
        }

        @Override
        public int next() {
            return permutation[rank(ThreadLocalRandom.current().nextDouble())];
        }
    }
}
