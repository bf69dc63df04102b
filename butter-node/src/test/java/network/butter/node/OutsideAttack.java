package network.butter.node;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import network.butter.api.Limits;
import network.butter.api.Reply;
import network.butter.node.testing.HostileClientMain;
import network.butter.node.testing.PacedTraffic;

/**
 * One run of {@link HostileClientMain} in a process of its own against a real node on 127.0.0.1, attacking from
 * {@value #ATTACKER_ADDRESS}, while a legitimate peer calls the node every {@value #PACE_MS} ms and, once the
 * standing attack is in place, a brand-new peer joins. Shared by {@code OutsideAttackTest} (small numbers, in the
 * build) and {@link HostileFloodBench} (big numbers, by hand).
 *
 * @param requestsDuringAttack legitimate requests sent while the attacker process was alive
 * @param failedDuringAttack   those that failed or came back wrong
 * @param failures             every legitimate request that failed, whenever it was sent
 * @param p50LatencyMs         median latency of the requests sent during the attack
 * @param p99LatencyMs         99th percentile latency of the requests sent during the attack
 * @param newcomerServed       whether the peer that joined during the attack got its answer
 * @param newcomerError        why not, if it was not
 * @param logBytes             bytes logged at INFO and above while the attack ran (level, logger and message)
 * @param logLines             lines logged at INFO and above while the attack ran
 * @param attackerSummary      the attacker's own summary line
 * @param attackMs             how long the attacker process was alive
 */
record OutsideAttack(long requestsDuringAttack, long failedDuringAttack, List<String> failures, double p50LatencyMs,
                     double p99LatencyMs, boolean newcomerServed, String newcomerError, long logBytes, long logLines,
                     String attackerSummary, long attackMs) {

    /** The second loopback address: the attacker is another host as far as the node can tell. */
    static final String ATTACKER_ADDRESS = "127.0.0.2";
    /** One legitimate request every this many milliseconds. */
    static final long PACE_MS = 50;
    /** Connections with throwaway keys beyond what one address may hold: these must be told GOAWAY OVERLOADED. */
    static final int EXTRA_IDLE_KEYS = 4;
    private static final String ECHO = "echo";

    /**
     * Runs the attack and returns what the legitimate side saw. The attacker opens {@link #EXTRA_IDLE_KEYS} more
     * connections with throwaway keys that say HELLO than the node lets one address hold.
     *
     * @param limits           the attacked node's limits
     * @param floodConnections raw-garbage connections in the flood
     * @param maxSeconds       the longest the attacker may run
     * @param seed             the attacker's random seed
     */
    static OutsideAttack run(Limits limits, int floodConnections, int maxSeconds, long seed) throws Exception {
        Duration bound = Duration.ofSeconds(maxSeconds + 30L);
        try (ButterNode server = Butter.node(cfg -> cfg.host("127.0.0.1").limits(limits))
                 .handle(ECHO, r -> Reply.of(r.payload())).start();
             ButterNode peer = Butter.node(cfg -> cfg.host("127.0.0.1")).start();
             PacedTraffic traffic = PacedTraffic.start(peer, server.address(), ECHO, PACE_MS);
             CapturedLogs logs = CapturedLogs.of(Logger.ROOT_LOGGER_NAME, Level.INFO, false)) {
            await("the legitimate peer is served before the attack").atMost(bound)
                .until(() -> traffic.sentBetween(0, Long.MAX_VALUE).size() >= 5);
            Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
            Path errors = Files.createTempFile("butter-attacker", ".err");
            int logsBefore = logs.atLeast(Level.INFO).size();
            long attackStart = System.nanoTime();
            Process attacker = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                HostileClientMain.class.getName(), server.address().host(), Integer.toString(server.address().port()),
                ATTACKER_ADDRESS, Integer.toString(floodConnections), Integer.toString(maxSeconds), Long.toString(seed),
                Integer.toString(limits.maxInboundPerIp() + EXTRA_IDLE_KEYS))
                .redirectError(errors.toFile())
                .start();
            try {
                List<String> lines = readLines(attacker);
                await("the attacker's standing attack is in place").atMost(bound)
                    .until(() -> lines.contains("ready") || !attacker.isAlive());
                String newcomerError = null;
                try (ButterNode newcomer = Butter.node(cfg -> cfg.host("127.0.0.1")).start()) {
                    Reply reply = newcomer.requestBlocking(server.address(), ECHO,
                        "newcomer".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
                    newcomerError = "newcomer".equals(reply.text()) ? null : "wrong reply " + reply.text();
                } catch (RuntimeException e) {
                    newcomerError = e.toString();
                }
                boolean newcomerDuringAttack = attacker.isAlive();
                await("the attacker finishes").atMost(bound).until(() -> !attacker.isAlive());
                long attackEnd = System.nanoTime();
                List<PacedTraffic.Outcome> during = traffic.sentBetween(attackStart, attackEnd);
                List<String> logged = logs.atLeast(Level.INFO);
                List<String> attackLog = logged.subList(Math.min(logsBefore, logged.size()), logged.size());
                return new OutsideAttack(during.size(), during.stream().filter(o -> !o.ok()).count(),
                    traffic.failures(), PacedTraffic.latencyMs(during, 0.5), PacedTraffic.latencyMs(during, 0.99),
                    newcomerError == null && newcomerDuringAttack,
                    newcomerDuringAttack ? newcomerError : "the attack was over before the newcomer was served",
                    attackLog.stream().mapToLong(line -> line.length() + 1).sum(), attackLog.size(),
                    lines.stream().filter(line -> line.startsWith("summary")).findFirst()
                        .orElseGet(() -> "no summary; its errors: " + tail(errors)),
                    (attackEnd - attackStart) / 1_000_000);
            } finally {
                attacker.destroyForcibly();
                attacker.waitFor();
                Files.deleteIfExists(errors);
            }
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.substring(Math.max(0, text.length() - 2_000));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Collects the process's output lines on a daemon thread, which ends with the process. */
    private static List<String> readLines(Process process) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofPlatform().daemon().name("attacker-output").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.US_ASCII))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return lines;
    }

    /** One line with every figure, for people and scripts. */
    String summaryLine() {
        return "SUMMARY legit_ok=" + (requestsDuringAttack - failedDuringAttack) + " legit_failed=" + failedDuringAttack
            + " p50_ms=" + String.format("%.1f", p50LatencyMs) + " p99_ms=" + String.format("%.1f", p99LatencyMs)
            + " newcomer_served=" + newcomerServed + " log_bytes=" + logBytes + " log_lines=" + logLines
            + " attack_ms=" + attackMs + " | attacker " + attackerSummary;
    }
}
