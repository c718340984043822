package iris.notify;

import iris.Capability;
import iris.Components;
import iris.Role;
import java.util.List;

/** The notify stage of the pipeline and the outbox every message leaves through. */
public final class NotifyCapability implements Capability {
  private final Components components;

  public NotifyCapability(Components components) {
    this.components = components;
  }

  @Override
  public String name() {
    return "notify";
  }

  @Override
  public List<Deployment> verticles() {
    return List.of(new Deployment("NotifierVerticle", Role.NOTIFY, () -> new NotifierVerticle(components)));
  }
}
