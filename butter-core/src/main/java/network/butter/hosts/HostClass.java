package network.butter.hosts;

/**
 * The class of a host for diversity: hosts of one class share a subnet and are alike in uptime and storage, so
 * they likely share infrastructure and fate. A diverse known-host list spreads over many classes.
 *
 * @param subnet          network prefix (IPv4 /24, IPv6 /48, or the host name)
 * @param uptimeBracket   0: up less than 10 minutes, 1: less than 1 day, 2: longer
 * @param storageBracket  0: offers less than 1 GiB, 1: less than 100 GiB, 2: more
 */
public record HostClass(String subnet, int uptimeBracket, int storageBracket) {

    private static final long TEN_MINUTES_MS = 10 * 60_000L;
    private static final long DAY_MS = 24 * 60 * 60_000L;
    private static final long GIB = 1L << 30;

    /** The class of a host with this subnet and quality. */
    public static HostClass of(String subnet, HostQuality quality) {
        int uptime = quality.uptimeMs() < TEN_MINUTES_MS ? 0 : quality.uptimeMs() < DAY_MS ? 1 : 2;
        long storage = quality.storageAvailableBytes();
        int storageBracket = storage < GIB ? 0 : storage < 100 * GIB ? 1 : 2;
        return new HostClass(subnet, uptime, storageBracket);
    }

    /** The prefix of an address used for {@link #subnet()}: /24 for IPv4, /48 for IPv6, the name otherwise. */
    public static String subnetOf(String host) {
        int lastDot = host.lastIndexOf('.');
        if (dotsAndDigitsOnly(host) && lastDot > 0) {
            return host.substring(0, lastDot) + ".0/24";
        }
        if (host.indexOf(':') >= 0) {
            String[] groups = host.split(":", -1);
            if (groups.length >= 3) {
                return groups[0] + ":" + groups[1] + ":" + groups[2] + "::/48";
            }
        }
        return host;
    }

    /** Whether the text is only dots and decimal digits: a loop, as this runs for every candidate considered. */
    private static boolean dotsAndDigitsOnly(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
