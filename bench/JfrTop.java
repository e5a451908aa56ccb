import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summary of a JFR recording's method samples (run as a source file: java bench/JfrTop.java FILE [options]):
 * samples per thread group, top self frames, top inclusive frames (methods and classes), and, for each
 * {@code --cat NAME=REGEX}, the share of samples whose thread name ("thread:NAME") or stack matches REGEX.
 * Options: {@code --top N} (default 25), {@code --thread REGEX} (only those threads).
 */
public class JfrTop {
    public static void main(String[] args) throws Exception {
        int top = 25;
        Pattern threads = null;
        Map<String, Pattern> categories = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--top" -> top = Integer.parseInt(args[++i]);
                case "--thread" -> threads = Pattern.compile(args[++i]);
                case "--cat" -> {
                    String[] named = args[++i].split("=", 2);
                    categories.put(named[0], Pattern.compile(named[1]));
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<String, Integer> self = new HashMap<>(), methods = new HashMap<>(), classes = new HashMap<>(),
            groups = new HashMap<>(), matched = new HashMap<>();
        int total = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                RecordedStackTrace stack = event.getStackTrace();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || stack == null) {
                    continue;
                }
                RecordedThread thread = event.getThread("sampledThread");
                String name = thread == null ? "?" : String.valueOf(thread.getJavaName());
                if (threads != null && !threads.matcher(name).find()) {
                    continue;
                }
                total++;
                groups.merge(name.replaceAll("[0-9]+", "#"), 1, Integer::sum);
                List<RecordedFrame> frames = stack.getFrames();
                if (!frames.isEmpty()) {
                    self.merge(method(frames.get(0)), 1, Integer::sum);
                }
                Set<String> seenMethods = new HashSet<>(), seenClasses = new HashSet<>();
                StringBuilder text = new StringBuilder("thread:").append(name).append('\n');
                for (RecordedFrame frame : frames) {
                    String method = method(frame);
                    text.append(method).append('\n');
                    if (seenMethods.add(method)) {
                        methods.merge(method, 1, Integer::sum);
                    }
                    if (seenClasses.add(frame.getMethod().getType().getName())) {
                        classes.merge(frame.getMethod().getType().getName(), 1, Integer::sum);
                    }
                }
                for (Map.Entry<String, Pattern> category : categories.entrySet()) {
                    if (category.getValue().matcher(text).find()) {
                        matched.merge(category.getKey(), 1, Integer::sum);
                    }
                }
            }
        }
        System.out.println("samples: " + total);
        if (!categories.isEmpty()) {
            System.out.println("== categories (a sample may be in several)");
            for (String category : categories.keySet()) {
                System.out.printf("%5.1f%%  %s%n", 100.0 * matched.getOrDefault(category, 0) / Math.max(1, total), category);
            }
        }
        print("threads", groups, total, top);
        print("self", self, total, top);
        print("inclusive methods", methods, total, top * 3);
        print("inclusive classes", classes, total, top * 2);
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int total, int top) {
        System.out.println("== " + title);
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> b.getValue() - a.getValue());
        sorted.stream().limit(top).forEach(entry ->
            System.out.printf("%5.1f%%  %s%n", 100.0 * entry.getValue() / Math.max(1, total), entry.getKey()));
    }
}
