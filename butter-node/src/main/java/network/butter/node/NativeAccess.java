package network.butter.node;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this JVM lets Butter's code (and Netty, beside it in the unnamed module) use native access, and a warning
 * when it does not where it matters.
 *
 * <p><b>Why it matters.</b> On JDK 24 and later, Netty frees a direct buffer either with {@code malloc}/{@code
 * free} through the foreign linker, which needs native access, or else by closing a shared {@code Arena}, and
 * closing a shared arena makes every thread of the JVM stop at a handshake. A node's connections free buffers all
 * the time, so without native access each free stalls every other thread: in a testbed host of 50 real nodes
 * (several hundred threads) both event loops were found inside {@code ScopedMemoryAccess.closeScope0} and 200 nodes
 * could not store 100 items of 1 KiB in three minutes. {@code butter.jar}'s manifest enables native access for
 * {@code java -jar}; a JVM started another way needs {@link #JVM_OPTION}.
 */
public final class NativeAccess {

    /** The option that enables it for code on the class path. */
    public static final String JVM_OPTION = "--enable-native-access=ALL-UNNAMED";

    /** The first JDK on which Netty frees direct buffers by closing shared arenas when it lacks native access. */
    static final int FIRST_AFFECTED_FEATURE_RELEASE = 24;

    private static final Logger log = LoggerFactory.getLogger(NativeAccess.class);
    /** Whether a warning is due in this JVM at all: native access cannot change while it runs, so asked once. */
    private static final boolean WARNING_DUE = Runtime.version().feature() >= FIRST_AFFECTED_FEATURE_RELEASE && !enabled();
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private NativeAccess() {
    }

    /**
     * Whether native access is enabled for the module of this class (the unnamed module on the class path). On a JDK
     * older than 22, which cannot say, true: no warning is due there.
     */
    public static boolean enabled() {
        try {
            Object answer = Module.class.getMethod("isNativeAccessEnabled").invoke(NativeAccess.class.getModule());
            return Boolean.TRUE.equals(answer);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Logs one WARN per JVM if this JDK is affected and native access is off. */
    static void warnIfDisabled() {
        if (WARNING_DUE && WARNED.compareAndSet(false, true)) {
            log.warn("native access is not enabled: Netty will free each direct buffer by closing a shared arena, which "
                + "stops every thread of this JVM; start java with {} (butter.jar's manifest does it for java -jar)",
                JVM_OPTION);
        }
    }
}
