package network.butter.wider;

/**
 * How much relaying an ambassador offers: every bound the {@link RelayService} enforces.
 *
 * @param maxReservations      peers that may hold a reservation at once (each keeps a connection open here)
 * @param maxReservationsPerIp reservations from one IP address, so one host with many keys cannot take them all
 * @param maxCircuits          circuits forwarded at once, all peers together
 * @param maxCircuitsPerPeer   circuits one peer may have open through this relay at once
 * @param maxCircuitsPerIp     circuits opened from one IP address at once
 * @param maxCircuitBytes      bytes one circuit may carry (both directions together) before the transport closes it
 * @param maxCircuitDurationMs how long one circuit may stay open, in milliseconds
 */
public record RelayBudget(int maxReservations, int maxReservationsPerIp, int maxCircuits, int maxCircuitsPerPeer,
                          int maxCircuitsPerIp, long maxCircuitBytes, long maxCircuitDurationMs) {

    /** Relays nothing: a node whose budget cannot spare any. */
    public static final RelayBudget NONE = new RelayBudget(0, 0, 0, 0, 0, 1, 1);

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    /** Checks the values. */
    public RelayBudget {
        if (maxReservations < 0 || maxReservationsPerIp < 0 || maxCircuits < 0 || maxCircuitsPerPeer < 0
            || maxCircuitsPerIp < 0 || maxCircuitBytes < 1 || maxCircuitDurationMs < 1) {
            throw new IllegalArgumentException("invalid relay budget: " + maxReservations + " reservations ("
                + maxReservationsPerIp + " per IP), " + maxCircuits + " circuits (" + maxCircuitsPerPeer + " per peer, "
                + maxCircuitsPerIp + " per IP), " + maxCircuitBytes + " bytes and " + maxCircuitDurationMs + " ms each");
        }
    }

    /**
     * The budget for a memory budget and connection limit. Below 64 MiB a node relays nothing. Otherwise a circuit
     * is counted at 128 KiB (the buffers of its two legs) and circuits may use 1/16 of the budget (4 to 1024: 256 at
     * 512 MiB); a reserving peer holds one of the node's connections, so reservations may take a quarter of the
     * connection limit (at least 2; 30 at 120 connections), a quarter of those from one IP (at least 2); a peer may
     * have 8 circuits open at once and an IP 16; a circuit carries up to 1/64 of the budget (1 to 256 MiB; 8 MiB at
     * 512 MiB) for up to 10 minutes, enough for a store or a fetch of several chunks, after which the dialler opens a
     * new one.
     */
    public static RelayBudget forMemoryBudget(long budgetBytes, int maxConnections) {
        if (budgetBytes < 64 * MIB) {
            return NONE;
        }
        int circuits = (int) Math.max(4, Math.min(1024, budgetBytes / 16 / (128 * KIB)));
        int reservations = Math.max(2, maxConnections / 4);
        long bytes = Math.max(MIB, Math.min(256 * MIB, budgetBytes / 64));
        return new RelayBudget(reservations, Math.max(2, reservations / 4), circuits, Math.min(8, circuits),
            Math.min(16, circuits), bytes, 10 * 60_000L);
    }

    /** Whether this budget allows relaying at all. */
    public boolean allowsRelaying() {
        return maxReservations > 0 && maxCircuits > 0;
    }
}
