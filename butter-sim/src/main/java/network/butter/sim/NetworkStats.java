package network.butter.sim;

/**
 * What the emulated network did during a run.
 *
 * @param sent       messages handed to the network
 * @param delivered  messages delivered (a duplicate counts twice)
 * @param lost       messages dropped by the loss probability
 * @param blocked    messages dropped by a blocked link or a partition
 * @param duplicated messages delivered a second time
 * @param refused    requests to a node that is not running (answered by "connection refused")
 * @param vanished   frames and dials to a node that died silently ({@link SimNode#vanish()}): never answered
 * @param directConnections  connections opened by dialling a peer's address (counted once per connection)
 * @param punchedConnections connections opened by hole punching
 * @param relayedConnections circuits opened through a relay
 * @param relayedBytes       bytes of frames carried through relays (each frame counted once, though it crosses two
 *                           hops; the hops count in {@code sent} and {@code delivered} each)
 */
public record NetworkStats(long sent, long delivered, long lost, long blocked, long duplicated, long refused,
                           long vanished, long directConnections, long punchedConnections, long relayedConnections,
                           long relayedBytes) {
}
