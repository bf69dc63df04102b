package network.butter.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time used by the threads whose names start with given prefixes: a system's event loops (and, for Butter on
 * virtual threads, their carrier pool). Divided by the requests served it gives the CPU a request costs, a figure
 * that, unlike throughput, hardly depends on what else the machine is doing.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** The CPU time so far of every live platform thread whose name starts with one of {@code prefixes}, in ns. */
    static long nanos(String... prefixes) {
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            for (String prefix : prefixes) {
                if (thread.getName().startsWith(prefix)) {
                    total += Math.max(0, THREADS.getThreadCpuTime(thread.threadId()));
                    break;
                }
            }
        }
        return total;
    }
}
