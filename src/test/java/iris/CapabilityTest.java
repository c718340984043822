package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilityTest {

  private static Capability named(String name, int order) {
    return new Capability() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int routeOrder() {
        return order;
      }
    };
  }

  private static Capability withoutRoutes(String name) {
    return () -> name;
  }

  @Test
  void routesMountByTheirOrderNotByTheList() {
    List<Capability> mounted = Capability.inRouteOrder(List.of(named("registry", 600), withoutRoutes("notify"),
        named("enroll", 500), named("ingest", 100)));
    assertEquals(List.of("ingest", "enroll", "registry"), mounted.stream().map(Capability::name).toList());
  }

  @Test
  void twoCapabilitiesCannotClaimOnePlace() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Capability.inRouteOrder(List.of(named("enroll", 500), named("maintenance", 500))));
    assertTrue(e.getMessage().contains("enroll and maintenance"), e.getMessage());
  }

  @Test
  void capabilitiesWithoutRoutesNeedNoPlace() {
    assertEquals(List.of(), Capability.inRouteOrder(List.of(withoutRoutes("notify"), withoutRoutes("enrich"))));
  }
}
