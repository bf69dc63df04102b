package network.butter.testbed.attack;

import network.butter.protocol.LoopHandler;
import network.butter.retrieve.HeldContent;

/**
 * One attack as a malicious node runs it, on the node loop next to the node's honest protocols. The
 * {@link Attacker} calls {@link #tick} once a second and lets the behaviour replace the honest handlers of the
 * protocol routes and the content the node's search layer claims to hold. Everything it sends goes through
 * {@link Attacker#send}, which bounds and counts it.
 */
public interface AttackBehaviour {

    /** The attack's name in counters and reports, e.g. {@code trim}. */
    String name();

    /** One round of the attack: send what it sends, learn what it learns. Runs once a second, on the node loop. */
    void tick(Attacker attacker);

    /**
     * The handler this node serves {@code route} with: {@code honest} (the real protocol's) unless the attack
     * answers that route itself.
     */
    default LoopHandler intercept(String route, LoopHandler honest, Attacker attacker) {
        return honest;
    }

    /** What the node's search layer is told it holds: {@code honest} unless the attack lies about it. */
    default HeldContent heldContent(HeldContent honest) {
        return honest;
    }
}
