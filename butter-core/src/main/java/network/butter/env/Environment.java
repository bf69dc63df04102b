package network.butter.env;

import java.util.random.RandomGenerator;

/**
 * Everything a node's protocol code may use from the outside world: its loop (time and timers), randomness,
 * a worker for blocking application code, a transport for messages, and a signer holding the node's key.
 *
 * <p>This is the seam between Butter's deterministic core and the world. A real node plugs in Netty, the
 * system clock and virtual threads; the simulator plugs in a virtual clock, a seeded PRNG and an emulated
 * network, and then runs the very same protocol code. The build forbids protocol code to reach past it
 * (no wall clock, no {@code new Random}, no sleeping, no sockets).
 *
 * @param loop      the node's event loop, clock and timers
 * @param random    the node's source of randomness; seeded in the simulator
 * @param worker    runs blocking application code
 * @param transport delivers frames to and from peers
 * @param signer    signs with the node's key
 */
public record Environment(NodeLoop loop, RandomGenerator random, Worker worker, Transport transport, Signer signer) {

    /** Checks every part is present. */
    public Environment {
        java.util.Objects.requireNonNull(loop, "loop");
        java.util.Objects.requireNonNull(random, "random");
        java.util.Objects.requireNonNull(worker, "worker");
        java.util.Objects.requireNonNull(transport, "transport");
        java.util.Objects.requireNonNull(signer, "signer");
    }
}
