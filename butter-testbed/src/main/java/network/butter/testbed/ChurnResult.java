package network.butter.testbed;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import network.butter.sim.NatPlan;

/**
 * What a churn run measured.
 *
 * @param config            the run's configuration
 * @param protocol          name of the data protocol under test
 * @param itemsStored       items stored before churn
 * @param storeFailures     items the network did not acknowledge in any attempt (not stored, so not counted below)
 * @param retrieved         items the fresh node got back, verified against their keys
 * @param retrievalErrors   retrievals that failed or did not finish in time (counted as not retrieved)
 * @param deaths            nodes killed by churn
 * @param silentDeaths      of those, the ones killed silently (links gone dark, no reset)
 * @param requestsSent      requests sent by all nodes over the whole run, on every route (application and protocol:
 *                          known-host polls, peer exchange, discovery, summaries, search, storage)
 * @param repliesSent       answers (success or failure) sent by all nodes over the whole run, on every route
 * @param bytesSent         bytes of all those requests and answers (whole frames, length field included)
 * @param retrievalRequests requests the fresh node sent to retrieve everything
 * @param maintenanceRequests requests on the protocol's maintenance routes ({@code DataProtocol#maintenanceRoutes()})
 *                          by all nodes over the whole run: what keeping the data alive cost
 * @param wallMs            wall-clock time of the run, in milliseconds
 * @param traceHash         the simulation's trace hash (equal for equal runs), or empty in real mode
 * @param samples           the time series, one sample a second
 * @param attack            what malicious nodes did and what reads came back wrong (see {@link AttackOutcome})
 * @param paths             connections opened over the run by path (direct, punched, relayed) and relayed bytes;
 *                          reported when nodes sit behind NATs
 * @param clusterFigures    figures of the cluster itself for the summary, in order (e.g. processes started,
 *                          restarts, peak memory and descriptors of a process run); empty for most clusters
 * @param stoppedBy         why the run stopped before its end (a resource limit of the machine), so the figures are
 *                          those so far; empty for a run that completed
 */
public record ChurnResult(ChurnConfig config, String protocol, int itemsStored, int storeFailures, int retrieved,
                          int retrievalErrors,
                          long deaths, long silentDeaths, long requestsSent, long repliesSent, long bytesSent, long retrievalRequests,
                          long maintenanceRequests, long wallMs,
                          OptionalLong traceHash, List<Sample> samples, AttackOutcome attack, PathCounts paths,
                          Map<String, String> clusterFigures, String stoppedBy) {

    /** Copies the samples and the figures. */
    public ChurnResult {
        samples = List.copyOf(samples);
        clusterFigures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clusterFigures));
        java.util.Objects.requireNonNull(stoppedBy, "stoppedBy");
        java.util.Objects.requireNonNull(attack, "attack");
        java.util.Objects.requireNonNull(paths, "paths");
    }

    /** Stored items the fresh node did not get back intact: not found, failed, late, or wrong. */
    public int failedReads() {
        return itemsStored - retrieved - attack.wrongReads();
    }

    /** Messages the run cost: every request and every answer, each counted once, at its sender. */
    public long messages() {
        return requestsSent + repliesSent;
    }

    /**
     * Node-seconds the run lasted: the number of nodes alive integrated over cluster time, from the samples (one a
     * second), so that traffic can be given per node per second.
     */
    public double nodeSeconds() {
        double total = 0;
        for (int i = 1; i < samples.size(); i++) {
            total += samples.get(i).alive() * (samples.get(i).timeMs() - samples.get(i - 1).timeMs()) / 1000.0;
        }
        return total;
    }

    /** Messages (requests and answers, every route) per node per second; 0 for a run of no duration. */
    public double messagesPerNodeSecond() {
        double nodeSeconds = nodeSeconds();
        return nodeSeconds == 0 ? 0 : messages() / nodeSeconds;
    }

    /** Bytes of requests and answers (every route) per node per second; 0 for a run of no duration. */
    public double bytesPerNodeSecond() {
        double nodeSeconds = nodeSeconds();
        return nodeSeconds == 0 ? 0 : bytesSent / nodeSeconds;
    }

    /**
     * The traffic of the churn phase alone, per node per second and per protocol: the upkeep under churn (or, with
     * {@code chanceToDie} 0, the idle steady state).
     */
    public PhaseTraffic churnTraffic() {
        return PhaseTraffic.of(samples, "churn");
    }

    /** Percentage of the stored items retrieved. */
    public double retrievedPercent() {
        return itemsStored == 0 ? 0 : 100.0 * retrieved / itemsStored;
    }

    /**
     * The one line a run prints, e.g. {@code SUMMARY testbed mode=sim protocol=local-only n=250 items=100
     * churn=30s chanceToDie=0.02/s retrieved=54/100 (54.0%) messages=12345 bytes=2345678 msgs/node/s=1.23
     * bytes/node/s=234 retrievalRequests=100 churn:msgs/node/s=1.10 churn:bytes/node/s=200
     * churn:byProtocol=butter/hosts:1.10/200 deaths=150 wall=1.2s seed=1 trace=0123456789abcdef}. Messages and bytes
     * are every request and answer of every route, application and protocol, counted once at the sender; the {@code churn:} words are the churn phase's alone (see {@link PhaseTraffic}). Faults,
     * silent deaths, store failures, errors and a read window other than the default appear only when present.
     */
    public String summaryLine() {
        StringBuilder line = new StringBuilder("SUMMARY testbed");
        line.append(" mode=").append(config.mode().label())
            .append(" protocol=").append(protocol)
            .append(" n=").append(config.nodes())
            .append(" items=").append(itemsStored);
        if (storeFailures > 0) {
            line.append(" storeFailures=").append(storeFailures);
        }
        line
            .append(" churn=").append(ChurnConfig.seconds(config.churn()))
            .append(" chanceToDie=").append(ChurnConfig.decimal(config.chanceToDie())).append("/s");
        if (config.partitionGroups() > 0) {
            line.append(" partition=").append(config.partitionGroups());
        }
        if (config.lossProbability() > 0) {
            line.append(" loss=").append(ChurnConfig.decimal(config.lossProbability()));
        }
        if (config.nat().active()) {
            appendNat(line);
        }
        if (config.readWindow() != ChurnConfig.DEFAULT_READ_WINDOW) {
            line.append(" readWindow=").append(config.readWindow());
        }
        line.append(" retrieved=").append(retrieved).append('/').append(itemsStored)
            .append(String.format(Locale.ROOT, " (%.1f%%)", retrievedPercent()))
            .append(" messages=").append(messages())
            .append(" bytes=").append(bytesSent)
            .append(String.format(Locale.ROOT, " msgs/node/s=%.2f bytes/node/s=%.0f", messagesPerNodeSecond(),
                bytesPerNodeSecond()))
            .append(" retrievalRequests=").append(retrievalRequests)
            .append(' ').append(churnTraffic().summaryWords());
        if (maintenanceRequests > 0) {
            line.append(" maintenance=").append(maintenanceRequests);
        }
        line
            .append(" deaths=").append(deaths);
        if (config.deaths() != Deaths.CRASH) {
            line.append(" deathMode=").append(config.deaths().label()).append(" silent=").append(silentDeaths);
        }
        if (retrievalErrors > 0) {
            line.append(" errors=").append(retrievalErrors);
        }
        if (attack.active() || attack.wrongReads() > 0) {
            appendAttack(line);
        }
        clusterFigures.forEach((name, value) -> line.append(' ').append(name).append('=').append(value));
        if (!stoppedBy.isEmpty()) {
            line.append(" stopped=\"").append(stoppedBy.replace('"', '\'')).append('"');
        }
        line.append(String.format(Locale.ROOT, " wall=%.1fs", wallMs / 1000.0))
            .append(" seed=").append(config.seed());
        traceHash.ifPresent(hash -> line.append(String.format(Locale.ROOT, " trace=%016x", hash)));
        return line.toString();
    }

    /**
     * The NAT plan, how many nodes alive at the end could be reached from outside, and the paths connections took:
     * {@code behindNat=0.7 symmetricNat=0.5 portMapping=0.25 lanSize=2 reachable=250/251 connections=1234
     * direct=80.1% punched=12.0% relayed=7.9% relayedBytes=123456}.
     */
    private void appendNat(StringBuilder line) {
        NatPlan nat = config.nat();
        line.append(" behindNat=").append(ChurnConfig.decimal(nat.behindNat()))
            .append(" symmetricNat=").append(ChurnConfig.decimal(nat.symmetricShare()))
            .append(" portMapping=").append(ChurnConfig.decimal(nat.portMappingShare()))
            .append(" lanSize=").append(nat.nodesPerLan())
            .append(" reachable=").append(samples.isEmpty() ? 0 : samples.getLast().reachable()).append('/')
            .append(samples.isEmpty() ? 0 : samples.getLast().alive())
            .append(" connections=").append(paths.total())
            .append(' ').append(paths.summary());
    }

    /**
     * The attack's figures: {@code malicious=0.1 attack=trim maliciousNodes=25 failed=12 wrong=0
     * honestPeakStored=123456/67108864 honestPeakGroups=9 honestPeakTombstones=300 attackMessages=4567}.
     */
    private void appendAttack(StringBuilder line) {
        long attackMessages = attack.counters().entrySet().stream()
            .filter(entry -> entry.getKey().endsWith(".sent")).mapToLong(java.util.Map.Entry::getValue).sum();
        line.append(" malicious=").append(attack.adversary().fractionLabel())
            .append(" attack=").append(attack.adversary().attack().label())
            .append(" maliciousNodes=").append(attack.maliciousNodes())
            .append(" failed=").append(failedReads())
            .append(" wrong=").append(attack.wrongReads())
            .append(" honestPeakStored=").append(attack.honestPeak().storedBytes()).append('/')
            .append(attack.honestPeak().capacityBytes())
            .append(" honestPeakGroups=").append(attack.honestPeak().blocksHeld())
            .append(" honestPeakTombstones=").append(attack.honestPeak().tombstones())
            .append(" attackMessages=").append(attackMessages);
    }
}
