package network.butter.sim;

import java.util.Objects;

/**
 * The message-level faults of the emulated network, applied to every message independently. Link blocking,
 * partitions and crashes are operations on the {@link Simulation}, since they change over a run.
 *
 * @param latency                one-way latency of every message
 * @param lossProbability        chance that a message is lost, 0 to 1
 * @param duplicationProbability chance that a message is delivered twice, 0 to 1
 */
public record Faults(Latency latency, double lossProbability, double duplicationProbability) {

    /** Checks the values are in range. */
    public Faults {
        Objects.requireNonNull(latency, "latency");
        if (lossProbability < 0 || lossProbability > 1 || duplicationProbability < 0 || duplicationProbability > 1) {
            throw new IllegalArgumentException("probabilities must be within 0..1, got loss " + lossProbability
                + ", duplication " + duplicationProbability);
        }
    }

    /** A LAN: 1–3 ms latency, nothing lost. The default. */
    public static Faults lan() {
        return new Faults(new Latency(1, 2, 1), 0, 0);
    }

    /** A wide-area network: 20–200 ms latency around 60 ms, nothing lost. */
    public static Faults wan() {
        return new Faults(new Latency(20, 60, 30), 0, 0);
    }

    /** A copy with another latency. */
    public Faults withLatency(Latency value) {
        return new Faults(value, lossProbability, duplicationProbability);
    }

    /** A copy with another loss probability. */
    public Faults withLoss(double probability) {
        return new Faults(latency, probability, duplicationProbability);
    }

    /** A copy with another duplication probability. */
    public Faults withDuplication(double probability) {
        return new Faults(latency, lossProbability, probability);
    }
}
