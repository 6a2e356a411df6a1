package io.kubedyn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a flight recording's CPU samples fall: the hottest methods on top of the stack (self
 * time), the methods most often anywhere on the stack (total time), and the self time by code
 * area. Uses {@code jdk.ExecutionSample} only (threads running Java code); threads in native code
 * such as an fsync are sampled as {@code jdk.NativeMethodSample}, counted apart.
 */
public final class HotFrames {
    /** Self samples by code area: the first prefix a top frame's class starts with names its area. */
    private static final Map<String, String> AREAS = areas();

    private final Map<String, Integer> self = new HashMap<>();
    private final Map<String, Integer> total = new HashMap<>();
    private final Map<String, Integer> byArea = new HashMap<>();
    private final Map<String, Integer> nativeTop = new HashMap<>();
    private int samples;
    private int nativeSamples;

    private static Map<String, String> areas() {
        Map<String, String> areas = new LinkedHashMap<>();
        areas.put("org.rocksdb.", "RocksDB (JNI)");
        areas.put("io.kubedyn.core.expression.", "kubedyn expressions (ANTLR)");
        areas.put("org.antlr.", "kubedyn expressions (ANTLR)");
        areas.put("io.kubedyn.", "kubedyn code");
        areas.put("com.fasterxml.jackson.", "Jackson JSON");
        areas.put("io.netty.", "Netty");
        areas.put("io.vertx.", "Vert.x");
        areas.put("io.quarkus.", "Quarkus");
        areas.put("java.util.zip.", "JDK CRC32/zip");
        areas.put("java.util.UUID", "JDK UUID (request ids)");
        areas.put("java.math.", "JDK BigDecimal");
        areas.put("java.util.concurrent.", "JDK concurrency (thread hand-off)");
        areas.put("java.", "JDK other");
        areas.put("jdk.", "JDK other");
        areas.put("sun.", "JDK other");
        return areas;
    }

    public static HotFrames of(List<Path> recordings) throws IOException {
        HotFrames frames = new HotFrames();
        for (Path recording : recordings) {
            for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
                frames.add(event);
            }
        }
        return frames;
    }

    void add(RecordedEvent event) {
        String type = event.getEventType().getName();
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            return;
        }
        List<RecordedFrame> frames = stack.getFrames();
        String top = name(frames.get(0));
        if (type.equals("jdk.NativeMethodSample")) {
            nativeSamples++;
            nativeTop.merge(top, 1, Integer::sum);
        } else if (type.equals("jdk.ExecutionSample")) {
            samples++;
            self.merge(top, 1, Integer::sum);
            byArea.merge(area(frames.get(0).getMethod().getType().getName()), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (seen.add(name)) {
                    total.merge(name, 1, Integer::sum);
                }
            }
        }
    }

    static String area(String className) {
        return AREAS.entrySet().stream()
                .filter(e -> className.startsWith(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("other");
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    public int samples() {
        return samples;
    }

    public Map<String, Integer> selfByArea() {
        return Map.copyOf(byArea);
    }

    public String report(int top) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%d CPU samples (jdk.ExecutionSample), %d native-method samples%n%n",
                samples,
                nativeSamples));
        section(out, "self time by code area", byArea, samples, top, name -> true);
        section(out, "self time by method (top of stack)", self, samples, top, name -> true);
        section(
                out,
                "total time by kubedyn method (anywhere on the stack)",
                total,
                samples,
                top,
                name -> name.startsWith("io.kubedyn."));
        section(out, "total time by method (anywhere on the stack)", total, samples, top, name -> true);
        section(
                out,
                "native-method samples by top frame (includes idle waits)",
                nativeTop,
                nativeSamples,
                top,
                name -> true);
        return out.toString();
    }

    private static void section(
            StringBuilder out, String title, Map<String, Integer> counts, int of, int top, Predicate<String> include) {
        out.append("## ").append(title).append('\n');
        counts.entrySet().stream()
                .filter(e -> include.test(e.getKey()))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.append(String.format(
                        Locale.ROOT,
                        "%6.1f%%  %7d  %s%n",
                        of == 0 ? 0.0 : 100.0 * e.getValue() / of,
                        e.getValue(),
                        e.getKey())));
        out.append('\n');
    }
}
