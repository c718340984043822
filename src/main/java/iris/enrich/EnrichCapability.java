package iris.enrich;

import iris.Capability;
import iris.Components;
import iris.Role;
import java.util.List;

/** The enrich stage of the pipeline. */
public final class EnrichCapability implements Capability {
  private final Components components;

  public EnrichCapability(Components components) {
    this.components = components;
  }

  @Override
  public String name() {
    return "enrich";
  }

  @Override
  public List<Deployment> verticles() {
    return List.of(new Deployment("EnrichmentVerticle", Role.ENRICH, () -> new EnrichmentVerticle(components)));
  }
}
