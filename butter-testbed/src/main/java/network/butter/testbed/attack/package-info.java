/**
 * Malicious nodes for the testbed's simulated runs: a node chosen as malicious runs the real node code (known hosts,
 * retrieval, Peer Content Groups) plus one or more {@link network.butter.testbed.attack.AttackBehaviour}s that send
 * hostile messages through the node's protocol context, as the findings of issue 11 describe them. Each attack is
 * one small class behind that interface, so that it can follow changes of the protocols' messages on its own.
 */
package network.butter.testbed.attack;
