/**
 * The seam where data protocols plug into the testbed ({@link network.butter.testbed.protocol.DataProtocol},
 * {@link network.butter.testbed.protocol.DataPeer}), and the baseline every persistence protocol is measured
 * against ({@link network.butter.testbed.protocol.LocalOnlyStorage}).
 */
package network.butter.testbed.protocol;
