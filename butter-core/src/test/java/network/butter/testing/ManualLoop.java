package network.butter.testing;

import network.butter.env.Cancellable;
import network.butter.env.NodeLoop;

/** A node loop on {@link VirtualTime}: tasks run when the test advances time. Single-threaded by design. */
public final class ManualLoop implements NodeLoop {

    private final VirtualTime time;

    /** @param time the shared virtual clock */
    public ManualLoop(VirtualTime time) {
        this.time = time;
    }

    @Override
    public long nowMillis() {
        return time.nowMs();
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable task) {
        VirtualTime.Task scheduled = time.schedule(delayMs, task);
        return () -> scheduled.cancelled = true;
    }

    @Override
    public void execute(Runnable task) {
        time.schedule(0, task);
    }

    @Override
    public boolean inLoop() {
        return true;
    }
}
