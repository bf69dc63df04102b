package network.butter.node;

import network.butter.api.Limits;

/**
 * The hostile-client attack of {@code OutsideAttackTest} with bigger numbers, by hand: a separate attacker process
 * floods a real node on loopback while a legitimate peer calls it every {@value OutsideAttack#PACE_MS} ms, and one
 * SUMMARY line reports the legitimate requests that succeeded and failed during the attack, their latency, whether a
 * newcomer was served meanwhile, and how much the node logged. Run it with {@code scripts/hostile-flood.sh}.
 */
public final class HostileFloodBench {

    private HostileFloodBench() {
    }

    /** @param args flood connections (default 10000), the flood's maximum seconds (default 60), seed (default 1) */
    public static void main(String[] args) throws Exception {
        int flood = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        if (flood < 1 || flood > 100_000 || seconds < 1 || seconds > 600) {
            throw new IllegalArgumentException("flood connections must be 1..100000 and seconds 1..600");
        }
        OutsideAttack attack = OutsideAttack.run(Limits.defaults(), flood, seconds, seed);
        System.out.println(attack.summaryLine() + " seed=" + seed);
        attack.failures().stream().limit(10).forEach(failure -> System.out.println("failed: " + failure));
        System.exit(attack.failures().isEmpty() && attack.newcomerServed() ? 0 : 1);
    }
}
