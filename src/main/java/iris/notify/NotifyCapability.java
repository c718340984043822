package iris.notify;

import io.vertx.core.Vertx;
import iris.Capability;
import iris.Components;
import iris.Role;
import java.util.List;
import java.util.function.Function;

/** The notify stage of the pipeline and the outbox every message leaves through. */
public final class NotifyCapability implements Capability {
  private final Components components;
  private final List<Function<Vertx, Muter>> muters;

  public NotifyCapability(Components components) {
    this(components, List.of());
  }

  /** @param muters other capabilities' muters (maintenance windows), made once per notifier verticle, after the host tags' */
  public NotifyCapability(Components components, List<Function<Vertx, Muter>> muters) {
    this.components = components;
    this.muters = List.copyOf(muters);
  }

  @Override
  public String name() {
    return "notify";
  }

  @Override
  public List<Deployment> verticles() {
    return List.of(new Deployment("NotifierVerticle", Role.NOTIFY, () -> new NotifierVerticle(components, muters)));
  }
}
