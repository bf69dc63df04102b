package network.butter.sim;

import network.butter.env.Cancellable;
import network.butter.env.NodeLoop;
import network.butter.env.Worker;

/**
 * One node incarnation's loop and worker in the simulator: tasks become events in the global queue, owned by
 * the incarnation, so a crash drops them. Blocking application code runs as an event too, at the same virtual
 * instant; it must not block on other nodes (the simulation has one thread), so simulated applications use the
 * asynchronous API.
 */
final class SimLoop implements NodeLoop, Worker {

    private final Simulation simulation;
    private final SimNode node;
    private final int incarnation;

    SimLoop(Simulation simulation, SimNode node, int incarnation) {
        this.simulation = simulation;
        this.node = node;
        this.incarnation = incarnation;
    }

    @Override
    public long nowMillis() {
        return simulation.nowMs();
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable task) {
        Event event = simulation.schedule(node, incarnation, delayMs, task);
        return event::cancel;
    }

    @Override
    public void execute(Runnable task) {
        simulation.schedule(node, incarnation, 0, task);
    }

    @Override
    public boolean inLoop() {
        return true;
    }

    @Override
    public Cancellable start(String name, Runnable task) {
        return schedule(0, task);
    }
}
