package network.butter.testing;

import java.util.ArrayList;
import java.util.List;
import network.butter.env.Cancellable;
import network.butter.env.Worker;

/**
 * A worker that runs blocking tasks as virtual-time events, or holds them so a test can play a handler that
 * hangs. Cancelling a held task records that it was interrupted.
 */
public final class ManualWorker implements Worker {

    private final VirtualTime time;
    private final List<String> interrupted = new ArrayList<>();
    private boolean holding;
    private final List<Runnable> held = new ArrayList<>();

    /** @param time the shared virtual clock */
    public ManualWorker(VirtualTime time) {
        this.time = time;
    }

    /** From now on, every task started is held (a hanging handler) until {@link #release()}. */
    public void hold() {
        holding = true;
    }

    /** Runs the held tasks (as events now) and stops holding. */
    public void release() {
        holding = false;
        List<Runnable> tasks = List.copyOf(held);
        held.clear();
        tasks.forEach(task -> time.schedule(0, task));
    }

    /** Names of tasks that were cancelled (interrupted) while held or before they ran. */
    public List<String> interrupted() {
        return interrupted;
    }

    @Override
    public Cancellable start(String name, Runnable task) {
        boolean[] cancelledOrRan = {false};
        Runnable guarded = () -> {
            if (!cancelledOrRan[0]) {
                cancelledOrRan[0] = true;
                task.run();
            }
        };
        if (holding) {
            held.add(guarded);
        } else {
            time.schedule(0, guarded);
        }
        return () -> {
            if (!cancelledOrRan[0]) {
                cancelledOrRan[0] = true;
                interrupted.add(name);
            }
        };
    }
}
