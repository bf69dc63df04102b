package network.butter.node.portmap;

import java.time.Duration;
import java.util.List;

/**
 * How a {@link PortMapper} talks to the router.
 *
 * @param leaseSeconds     the lifetime asked for; the mapping is renewed when half of the granted one is gone
 * @param searchTimeoutMs  how long to wait for a UPnP device to answer the SSDP search
 * @param requestTimeoutMs the limit on each HTTP exchange with a UPnP device (connect, and request with reply)
 * @param retryAfterMs     after a failed renewal, or a start that found nothing, how long until the next try;
 *                         doubled after each failure up to {@link #MAX_RETRY_MS}
 * @param natPmpPort       the gateway's NAT-PMP and PCP port: {@value NatPmpGateway#PORT} but in tests
 * @param methods          the protocols to try, in order: by default PCP, then NAT-PMP (both one UDP exchange with
 *                         the gateway), then UPnP
 */
public record PortMapperConfig(long leaseSeconds, long searchTimeoutMs, long requestTimeoutMs, long retryAfterMs,
                               int natPmpPort, List<MappingMethod> methods) {

    /** Longest wait between two tries. */
    public static final long MAX_RETRY_MS = 30 * 60 * 1000;

    /** Checks the values. */
    public PortMapperConfig {
        if (leaseSeconds < 2 || leaseSeconds > 7 * 24 * 3600) {
            throw new IllegalArgumentException("leaseSeconds must be 2 s to a week, got " + leaseSeconds);
        }
        if (searchTimeoutMs < 1 || requestTimeoutMs < 1 || retryAfterMs < 1) {
            throw new IllegalArgumentException("time limits must be positive");
        }
        if (natPmpPort < 1 || natPmpPort > 65_535) {
            throw new IllegalArgumentException("natPmpPort must be 1-65535, got " + natPmpPort);
        }
        methods = List.copyOf(methods);
        if (methods.isEmpty() || methods.stream().distinct().count() != methods.size()) {
            throw new IllegalArgumentException("methods must name each protocol to try once, got " + methods);
        }
    }

    /** An hour's lease, 1.5 s to find a UPnP device, 3 s per request, retried after a minute. */
    public static PortMapperConfig defaults() {
        return new PortMapperConfig(3600, 1_500, 3_000, 60_000, NatPmpGateway.PORT,
            List.of(MappingMethod.PCP, MappingMethod.NAT_PMP, MappingMethod.UPNP));
    }

    /** The same with another lease, e.g. a short one for tests of renewal. */
    public PortMapperConfig withLeaseSeconds(long value) {
        return new PortMapperConfig(value, searchTimeoutMs, requestTimeoutMs, retryAfterMs, natPmpPort, methods);
    }

    /** The same trying only the given protocols, in this order: e.g. to test one of them. */
    public PortMapperConfig withMethods(MappingMethod... value) {
        return new PortMapperConfig(leaseSeconds, searchTimeoutMs, requestTimeoutMs, retryAfterMs, natPmpPort,
            List.of(value));
    }

    Duration requestTimeout() {
        return Duration.ofMillis(requestTimeoutMs);
    }
}
