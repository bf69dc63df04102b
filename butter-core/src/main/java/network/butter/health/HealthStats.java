package network.butter.health;

/**
 * What a node's {@link FailureDetector} has done since it started.
 *
 * @param suspected  suspicions raised (a request to the peer timed out)
 * @param refuted    suspicions dropped because the suspect answered, directly or through a helper, or spoke
 * @param confirmed  suspects confirmed dead and reported to every protocol
 * @param ignored    timeouts not followed up because {@link HealthConfig#maxSuspects()} peers were suspected already
 * @param probesSent pings and indirect-probe requests this node sent for its own suspicions
 * @param localHealth the local-health score now (0 healthy; timeouts are multiplied by {@code 1 + score})
 */
public record HealthStats(long suspected, long refuted, long confirmed, long ignored, long probesSent,
                          int localHealth) {
}
