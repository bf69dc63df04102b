package network.butter.testbed;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Set;

/**
 * The JVM heap in use right after the most recent garbage collection: what a run's phases report so that memory per
 * simulated node (this figure divided by the nodes) can be read off a long run without forcing a collection.
 */
final class HeapGauge {

    private static final long MIB = 1024 * 1024;

    private HeapGauge() {
    }

    /** Heap in use after the latest collection of any collector, in MiB; 0 before the first collection. */
    static long afterLastGcMib() {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        GcInfo latest = null;
        for (GarbageCollectorMXBean collector : ManagementFactory.getPlatformMXBeans(GarbageCollectorMXBean.class)) {
            GcInfo info = collector.getLastGcInfo();
            if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                latest = info;
            }
        }
        if (latest == null) {
            return 0;
        }
        long bytes = 0;
        for (var entry : latest.getMemoryUsageAfterGc().entrySet()) {
            MemoryUsage usage = entry.getValue();
            if (heapPools.contains(entry.getKey())) {
                bytes += usage.getUsed();
            }
        }
        return bytes / MIB;
    }
}
