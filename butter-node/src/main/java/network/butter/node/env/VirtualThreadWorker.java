package network.butter.node.env;

import network.butter.env.Cancellable;
import network.butter.env.Worker;

/** Runs each blocking task on a fresh virtual thread; cancelling interrupts it. */
public final class VirtualThreadWorker implements Worker {

    private final String prefix;

    /** @param prefix prefix for thread names, e.g. the node's short id, so thread dumps tell nodes apart */
    public VirtualThreadWorker(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Cancellable start(String name, Runnable task) {
        Thread thread = Thread.ofVirtual().name(prefix + "/" + name).start(task);
        return thread::interrupt;
    }
}
