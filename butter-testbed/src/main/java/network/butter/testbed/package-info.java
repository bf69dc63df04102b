/**
 * The testbed: one scenario API ({@link network.butter.testbed.Cluster}) over simulated nodes
 * ({@link network.butter.testbed.SimCluster}) and real nodes on loopback ({@link network.butter.testbed.RealCluster}),
 * the churn experiment ({@link network.butter.testbed.ChurnScenario}) and its CSV and chart output
 * ({@link network.butter.testbed.TestbedReport}). {@link network.butter.testbed.Testbed} runs it all; the
 * {@code butter testbed} command is a thin shell over it.
 */
package network.butter.testbed;
