/**
 * Process mode of the testbed: every node a real {@code butter} process (or a few nodes per process), reached only
 * through its control API, killed with {@code SIGKILL} and restarted from its data directory. The supervisor
 * ({@link network.butter.testbed.process.ProcessCluster}) speaks a small line protocol with each host process over
 * its stdin and stdout ({@link network.butter.testbed.process.HostLines}); a host whose stdin closes (its
 * supervisor died) exits at once, so no process outlives the run.
 */
package network.butter.testbed.process;
