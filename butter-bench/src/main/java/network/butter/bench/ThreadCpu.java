package network.butter.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongUnaryOperator;

/**
 * CPU time used, and bytes allocated, by the threads whose names start with given prefixes: a system's event loops
 * (and, for Butter on virtual threads, their carrier pool). Divided by the requests served they give the CPU and the
 * memory a request costs, figures that, unlike throughput, hardly depend on what else the machine is doing.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.ThreadMXBean ALLOCATIONS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** The CPU time so far of every live platform thread whose name starts with one of {@code prefixes}, in ns. */
    static long nanos(String... prefixes) {
        return sumOverThreads(THREADS::getThreadCpuTime, prefixes);
    }

    /**
     * The bytes allocated so far by every live platform thread whose name starts with one of {@code prefixes} (the
     * JVM's exact per-thread count, not a sample).
     */
    static long allocatedBytes(String... prefixes) {
        return sumOverThreads(ALLOCATIONS::getThreadAllocatedBytes, prefixes);
    }

    /** {@code perThread} of every live platform thread named with one of {@code prefixes}; -1 (unknown) counts 0. */
    private static long sumOverThreads(LongUnaryOperator perThread, String... prefixes) {
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            for (String prefix : prefixes) {
                if (thread.getName().startsWith(prefix)) {
                    total += Math.max(0, perThread.applyAsLong(thread.threadId()));
                    break;
                }
            }
        }
        return total;
    }
}
