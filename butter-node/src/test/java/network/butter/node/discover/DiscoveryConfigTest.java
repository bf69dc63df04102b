package network.butter.node.discover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import network.butter.discover.LanDiscoveryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscoveryConfigTest {

    @Test
    void shouldDefaultToTheLocalScopeGroupOnItsOwnPortWithTheInterfaceDerived() {
        DiscoveryConfig defaults = DiscoveryConfig.defaults();

        assertThat(defaults.group()).isEqualTo("239.255.66.77");
        assertThat(defaults.port()).isEqualTo(7447);
        assertThat(defaults.interfaceName()).isNull();
        assertThat(defaults.timing()).isEqualTo(LanDiscoveryConfig.defaults());
        assertThat(defaults.groupAddress().isMulticastAddress()).isTrue();
    }

    @Test
    void shouldChangeOneSettingPerCopy() {
        DiscoveryConfig changed = DiscoveryConfig.defaults().withGroup("239.1.2.3").withPort(9000)
            .withInterfaceName("eth1");

        assertThat(changed).isEqualTo(new DiscoveryConfig("239.1.2.3", 9000, "eth1", LanDiscoveryConfig.defaults()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "255.255.255.255", "223.255.255.255"})
    void shouldRejectAGroupThatIsNotMulticast(String group) {
        assertThatThrownBy(() -> DiscoveryConfig.defaults().withGroup(group))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("must be an IPv4 multicast address").hasMessageContaining(group);
    }

    @ParameterizedTest
    @ValueSource(strings = {"butter.example", "239.255.66", "239.255.66.256", "239.255.66.77.1", "ff02::1", ""})
    void shouldRejectAGroupThatIsNotAnIpv4LiteralWithoutLookingItUp(String group) {
        assertThatThrownBy(() -> DiscoveryConfig.defaults().withGroup(group))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("must be an IPv4 address such as 239.255.66.77");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65_536})
    void shouldRejectAPortOutOfRange(int port) {
        assertThatThrownBy(() -> DiscoveryConfig.defaults().withPort(port))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("discovery port must be 1-65535");
    }

    @Test
    void shouldRejectABlankInterfaceName() {
        assertThatThrownBy(() -> DiscoveryConfig.defaults().withInterfaceName(" "))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
    }
}
