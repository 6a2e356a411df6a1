/**
 * JMH microbenchmarks of kubedyn's hot paths, run on demand (never in {@code verify}):
 * {@code java -jar bench/target/kubedyn-bench.jar micro [JMH options] [regex]}.
 */
package io.kubedyn.bench.micro;
