package iris;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Hazelcast for {@code --cluster}: explicit TCP members only (no multicast, no cloud
 * discovery, no phone-home), bound to the configured address.
 */
public final class ClusterSetup {
  private ClusterSetup() {}

  public static HazelcastClusterManager clusterManager(IrisConfig.Cluster cluster) {
    HazelcastClusterManager manager = new HazelcastClusterManager();
    Config hazelcast = manager.loadConfig(); // Vert.x's defaults for its own maps and locks
    hazelcast.setClusterName("iris");
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    hazelcast.setProperty("hazelcast.shutdownhook.enabled", "false");
    hazelcast.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    if (!cluster.host().isBlank()) {
      network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    manager.setConfig(hazelcast);
    return manager;
  }

  /** A blank host lets Hazelcast and the event bus pick the container's address (Swarm). */
  public static EventBusOptions eventBusOptions(IrisConfig.Cluster cluster) {
    EventBusOptions options = new EventBusOptions().setPort(cluster.eventBusPort());
    if (!cluster.host().isBlank()) {
      options.setHost(cluster.host()).setClusterPublicHost(cluster.host());
    }
    return options;
  }
}
