package network.butter.testbed;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import network.butter.sim.NatPlan;

/**
 * The churn experiment of the original Butter report, as a config: {@code nodes} nodes form a network,
 * {@code items} random items are stored from random nodes, then for {@code churn} every node older than
 * {@code grace} dies each second with probability {@code chanceToDie} and is replaced by a fresh one; after
 * {@code settle} a fresh node tries to retrieve every item. Optional faults (simulation only): a partition into
 * {@code partitionGroups} groups for the churn phase, healed before settling, and message loss with
 * {@code lossProbability} from the start of churn to the end of retrieval.
 *
 * <p>Every duration is whole seconds, since churn acts once a second, and is bounded, as is the number of
 * nodes: more tightly in real mode, where nodes cost sockets and threads and time is wall-clock time.
 *
 * @param mode            simulated or real nodes
 * @param nodes           nodes alive at any time (dead ones are replaced)
 * @param items           items stored before churn starts
 * @param itemBytes       size of each item
 * @param chanceToDie     probability that a node past its grace period dies in a given second, 0 to 1
 * @param grace           age before which a node never dies
 * @param form            time for the network to form before storing
 * @param churn           time nodes keep dying and being replaced
 * @param settle          quiet time after churn, before retrieving
 * @param seed            seed of every scenario decision (and of the simulation)
 * @param bootstrapPeers  how many random live nodes each new node is told about
 * @param partitionGroups 0 for no partition, else how many groups to split the network into during churn
 * @param lossProbability probability that a message is lost, from churn start to the end of retrieval
 * @param deaths          how churn kills nodes: crashes every peer notices, silent deaths (sim only), or a mix
 * @param nat             which share of the nodes sits behind home routers, and of what kinds (sim only);
 *                        {@link NatPlan#none()} for all public
 * @param readWindow      reads the fresh node keeps in flight at once at the end: a read that ends makes room for the
 *                        next, so one slow read holds up no other
 */
public record ChurnConfig(Mode mode, int nodes, int items, int itemBytes, double chanceToDie, Duration grace,
                          Duration form, Duration churn, Duration settle, long seed, int bootstrapPeers,
                          int partitionGroups, double lossProbability, Deaths deaths, NatPlan nat,
                          int readWindow) {

    /** Most nodes of a simulated run. */
    public static final int MAX_SIM_NODES = 100_000;

    /** Most nodes of a real run: each is a listening socket, connections and threads in this one JVM. */
    public static final int MAX_REAL_NODES = 300;

    /**
     * Most nodes of a run in separate processes: the machine's own limits (memory, descriptors, cores) are checked
     * when the processes are planned, and usually bind first.
     */
    public static final int MAX_PROCESS_NODES = 2_000;

    /**
     * Most reads in flight at once: well under a node's default limit of concurrent searches, and low enough that a
     * real cluster's fresh node is not refused by its peers' per-peer query budgets.
     */
    public static final int MAX_READ_WINDOW = 256;

    /** Reads in flight at once unless a run says otherwise; the SUMMARY line names the window only when it differs. */
    public static final int DEFAULT_READ_WINDOW = 10;

    /** Longest phase of a simulated run, in virtual time. */
    public static final Duration MAX_SIM_PHASE = Duration.ofHours(1);

    /** Longest phase of a real run, in wall-clock time, so that a real run always ends soon. */
    public static final Duration MAX_REAL_PHASE = Duration.ofMinutes(5);

    /** Most items, and largest item; together they bound the memory items take. */
    public static final int MAX_ITEMS = 100_000;

    /** Largest item: well within one frame, since the baseline returns an item in one reply. */
    public static final int MAX_ITEM_BYTES = 64 * 1024;

    /** Most bytes of all items together. */
    public static final long MAX_TOTAL_ITEM_BYTES = 256L * 1024 * 1024;

    /** Most groups of a partition. */
    public static final int MAX_PARTITION_GROUPS = 16;

    /** Checks every value, naming the option at fault. */
    public ChurnConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(deaths, "deaths");
        Objects.requireNonNull(nat, "nat");
        int maxNodes = switch (mode) {
            case SIM -> MAX_SIM_NODES;
            case REAL -> MAX_REAL_NODES;
            case PROCESSES -> MAX_PROCESS_NODES;
        };
        if (nodes < 2 || nodes > maxNodes) {
            throw new IllegalArgumentException("nodes must be 2.." + maxNodes + " in " + mode.label() + " mode, got " + nodes);
        }
        if (items < 1 || items > MAX_ITEMS) {
            throw new IllegalArgumentException("items must be 1.." + MAX_ITEMS + ", got " + items);
        }
        if (itemBytes < 1 || itemBytes > MAX_ITEM_BYTES) {
            throw new IllegalArgumentException("itemBytes must be 1.." + MAX_ITEM_BYTES + ", got " + itemBytes);
        }
        if ((long) items * itemBytes > MAX_TOTAL_ITEM_BYTES) {
            throw new IllegalArgumentException("items x itemBytes must stay within " + MAX_TOTAL_ITEM_BYTES
                + " bytes, got " + (long) items * itemBytes);
        }
        if (!(chanceToDie >= 0 && chanceToDie <= 1)) {
            throw new IllegalArgumentException("chanceToDie must be within 0..1 per second, got " + chanceToDie);
        }
        Duration maxPhase = mode == Mode.SIM ? MAX_SIM_PHASE : MAX_REAL_PHASE;
        checkPhase("grace", grace, maxPhase, mode);
        checkPhase("form", form, maxPhase, mode);
        checkPhase("churn", churn, maxPhase, mode);
        checkPhase("settle", settle, maxPhase, mode);
        if (bootstrapPeers < 1 || bootstrapPeers > 64) {
            throw new IllegalArgumentException("bootstrapPeers must be 1..64, got " + bootstrapPeers);
        }
        if (partitionGroups != 0 && (partitionGroups < 2 || partitionGroups > MAX_PARTITION_GROUPS)) {
            throw new IllegalArgumentException("partition groups must be 0 (none) or 2.." + MAX_PARTITION_GROUPS
                + ", got " + partitionGroups);
        }
        if (!(lossProbability >= 0 && lossProbability < 1)) {
            throw new IllegalArgumentException("loss probability must be within 0 (none) and 1 (excluded), got "
                + lossProbability);
        }
        if (readWindow < 1 || readWindow > MAX_READ_WINDOW) {
            throw new IllegalArgumentException("read window must be 1.." + MAX_READ_WINDOW + " reads, got " + readWindow);
        }
        if (mode != Mode.SIM && (partitionGroups != 0 || lossProbability != 0)) {
            throw new IllegalArgumentException("partition and loss phases need the simulator (mode sim): real "
                + "nodes on loopback cannot be split or made lossy");
        }
        if (mode != Mode.SIM && nat.active()) {
            throw new IllegalArgumentException("nodes behind NATs need the simulator (mode sim): the NAT lab with real "
                + "routers is a test of its own");
        }
        if (mode != Mode.SIM && deaths != Deaths.CRASH) {
            throw new IllegalArgumentException("silent deaths need the simulator (mode sim): a real node killed in "
                + "this JVM closes its sockets, and the kernel resets them; only crash deaths run in real mode");
        }
    }

    private static void checkPhase(String name, Duration value, Duration max, Mode mode) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.toMillis() % 1000 != 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be whole seconds from 0s to " + seconds(max)
                + " in " + mode.label() + " mode, got " + value.toMillis() + "ms");
        }
    }

    /** A builder with the defaults of the original experiment: see {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        return new Builder().mode(mode).nodes(nodes).items(items).itemBytes(itemBytes).chanceToDie(chanceToDie)
            .grace(grace).form(form).churn(churn).settle(settle).seed(seed).bootstrapPeers(bootstrapPeers)
            .partitionGroups(partitionGroups).lossProbability(lossProbability).deaths(deaths).nat(nat).readWindow(readWindow);
    }

    /** A duration as the summary and the CLI write it, e.g. {@code 30s}. */
    static String seconds(Duration duration) {
        return duration.toSeconds() + "s";
    }

    /** A probability as typed, without trailing zeros: {@code 0.02}, not {@code 0.020000}. */
    static String decimal(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * Builds a {@link ChurnConfig}. Defaults: sim mode, 250 nodes, 100 items of 1 KiB, chanceToDie 0.02 per
     * second (1/50), grace 5 s, form 5 s, churn 30 s, settle 10 s, seed 1, 8 bootstrap peers, no partition, no
     * loss, crash deaths, every node public, 10 reads in flight at once.
     */
    public static final class Builder {
        private Mode mode = Mode.SIM;
        private int nodes = 250;
        private int items = 100;
        private int itemBytes = 1024;
        private double chanceToDie = 0.02;
        private Duration grace = Duration.ofSeconds(5);
        private Duration form = Duration.ofSeconds(5);
        private Duration churn = Duration.ofSeconds(30);
        private Duration settle = Duration.ofSeconds(10);
        private long seed = 1;
        private int bootstrapPeers = 8;
        private int partitionGroups;
        private double lossProbability;
        private Deaths deaths = Deaths.CRASH;
        private NatPlan nat = NatPlan.none();
        private int readWindow = DEFAULT_READ_WINDOW;

        Builder() {
        }

        /** Simulated or real nodes. */
        public Builder mode(Mode value) {
            this.mode = value;
            return this;
        }

        /** Nodes alive at any time. */
        public Builder nodes(int value) {
            this.nodes = value;
            return this;
        }

        /** Items stored before churn. */
        public Builder items(int value) {
            this.items = value;
            return this;
        }

        /** Size of each item, in bytes. */
        public Builder itemBytes(int value) {
            this.itemBytes = value;
            return this;
        }

        /** Probability per second that a node past its grace period dies. */
        public Builder chanceToDie(double value) {
            this.chanceToDie = value;
            return this;
        }

        /** Age before which a node never dies. */
        public Builder grace(Duration value) {
            this.grace = value;
            return this;
        }

        /** Time for the network to form before storing. */
        public Builder form(Duration value) {
            this.form = value;
            return this;
        }

        /** Time nodes keep dying and being replaced. */
        public Builder churn(Duration value) {
            this.churn = value;
            return this;
        }

        /** Quiet time after churn, before retrieving. */
        public Builder settle(Duration value) {
            this.settle = value;
            return this;
        }

        /** Seed of every scenario decision. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Random live nodes each new node is told about. */
        public Builder bootstrapPeers(int value) {
            this.bootstrapPeers = value;
            return this;
        }

        /** Groups to split the network into during churn; 0 for none. */
        public Builder partitionGroups(int value) {
            this.partitionGroups = value;
            return this;
        }

        /** Message loss from churn start to the end of retrieval; 0 for none. */
        public Builder lossProbability(double value) {
            this.lossProbability = value;
            return this;
        }

        /** How churn kills nodes: crash (noticed), silent (links go dark) or mixed (50/50 from the seed). */
        public Builder deaths(Deaths value) {
            this.deaths = value;
            return this;
        }

        /** Which share of the nodes sits behind home routers, and of what kinds; {@link NatPlan#none()} for none. */
        public Builder nat(NatPlan value) {
            this.nat = value;
            return this;
        }

        /** Reads the fresh node keeps in flight at once while retrieving every item at the end. */
        public Builder readWindow(int value) {
            this.readWindow = value;
            return this;
        }

        /**
         * The config.
         *
         * @throws IllegalArgumentException naming the value at fault
         */
        public ChurnConfig build() {
            return new ChurnConfig(mode, nodes, items, itemBytes, chanceToDie, grace, form, churn, settle, seed,
                bootstrapPeers, partitionGroups, lossProbability, deaths, nat, readWindow);
        }
    }
}
