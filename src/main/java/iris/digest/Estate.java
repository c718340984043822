package iris.digest;

import iris.registry.HostStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The registry as one digest run reads it: maintainers, hosts, services and who maintains what.
 * It answers, in memory, whose an incident is the way routing does (the host's maintainers
 * override its services'; escalation managers stand behind the services), and what a
 * maintainer's hosts and services are.
 */
final class Estate {
  record Person(long id, String name, String email, boolean teams, List<String> channels, String frequency) {}

  record Host(long id, String hostname, String address) {}

  record Service(long id, String name, Long escalationManager) {}

  /** Whose an incident is: its host (if known), its services, the maintainers it routes to and the escalation managers behind them. */
  record Owners(Long hostId, Set<Long> services, Set<Long> maintainers, Set<Long> escalation) {}

  /** A maintainer's part of the estate: the hosts and services whose incidents reach them. */
  record Scope(Set<Long> hosts, Set<Long> services) {}

  final Map<Long, Person> people;
  final Map<Long, Host> hosts;
  final Map<Long, Service> services;
  private final Map<Long, List<Long>> hostServices;
  private final Map<Long, Set<Long>> hostMaintainers;
  private final Map<Long, Set<Long>> serviceMaintainers;
  private final Map<String, Long> serviceByName = new HashMap<>();
  private final Map<String, Long> byHostname = new HashMap<>();
  private final Map<String, Long> byAddress = new HashMap<>();
  private final Map<String, Long> byShortName = new HashMap<>();
  private final Map<String, Owners> owners = new HashMap<>();

  Estate(Map<Long, Person> people, Map<Long, Host> hosts, Map<Long, Service> services, Map<Long, List<Long>> hostServices,
         Map<Long, Set<Long>> hostMaintainers, Map<Long, Set<Long>> serviceMaintainers) {
    this.people = people;
    this.hosts = hosts;
    this.services = services;
    this.hostServices = hostServices;
    this.hostMaintainers = hostMaintainers;
    this.serviceMaintainers = serviceMaintainers;
    services.values().forEach(s -> serviceByName.put(s.name(), s.id()));
    // as OwnershipStore: the lowest id wins a name two hosts share
    hosts.values().stream().sorted(java.util.Comparator.comparingLong(Host::id).reversed()).forEach(h -> {
      byHostname.put(h.hostname().toLowerCase(Locale.ROOT), h.id());
      if (h.address() != null) {
        byAddress.put(h.address().toLowerCase(Locale.ROOT), h.id());
      }
      byShortName.put(h.hostname().toLowerCase(Locale.ROOT).split("\\.", 2)[0], h.id());
    });
  }

  /** The host an instance label names: by hostname, else address, else short hostname. */
  Long host(String instance) {
    String part = HostStore.hostPart(instance);
    if (part == null) {
      return null;
    }
    String key = part.toLowerCase(Locale.ROOT);
    Long id = byHostname.get(key);
    if (id == null) {
      id = byAddress.get(key);
    }
    return id == null ? byShortName.get(key) : id;
  }

  /** Whose {@code i} is; incidents of one instance and service share the answer. */
  Owners owners(Facts.Incident i) {
    return owners.computeIfAbsent(i.instance() + "\u0000" + i.service(), k -> {
      Long host = host(i.instance());
      Set<Long> svc = new LinkedHashSet<>();
      List<Long> ofHost = host == null ? List.of() : hostServices.getOrDefault(host, List.of());
      if (!ofHost.isEmpty()) {
        svc.addAll(ofHost);
      } else if (i.service() != null && serviceByName.containsKey(i.service())) {
        svc.add(serviceByName.get(i.service()));
      }
      Set<Long> people = new LinkedHashSet<>(host == null ? Set.of() : hostMaintainers.getOrDefault(host, Set.of()));
      if (people.isEmpty()) {
        svc.forEach(s -> people.addAll(serviceMaintainers.getOrDefault(s, Set.of())));
      }
      Set<Long> escalation = new LinkedHashSet<>();
      svc.forEach(s -> {
        Long manager = services.get(s).escalationManager();
        if (manager != null) {
          escalation.add(manager);
        }
      });
      return new Owners(host, Set.copyOf(svc), Set.copyOf(people), Set.copyOf(escalation));
    });
  }

  /** The hosts and services whose incidents reach {@code person}: as maintainer, or as escalation manager. */
  Scope scope(long person) {
    Set<Long> svc = new LinkedHashSet<>();
    services.values().forEach(s -> {
      if (serviceMaintainers.getOrDefault(s.id(), Set.of()).contains(person) || Long.valueOf(person).equals(s.escalationManager())) {
        svc.add(s.id());
      }
    });
    Set<Long> own = new LinkedHashSet<>();
    for (Host h : hosts.values()) {
      Set<Long> overriding = hostMaintainers.getOrDefault(h.id(), Set.of());
      List<Long> of = hostServices.getOrDefault(h.id(), List.of());
      boolean viaService = of.stream().anyMatch(s -> services.get(s).escalationManager() != null
          && services.get(s).escalationManager() == person
          || overriding.isEmpty() && serviceMaintainers.getOrDefault(s, Set.of()).contains(person));
      if (overriding.contains(person) || viaService) {
        own.add(h.id());
      }
    }
    return new Scope(own, svc);
  }

  /** Whether {@code person} maintains a host or a service (rather than only standing behind services as escalation manager). */
  boolean maintains(long person) {
    return hostMaintainers.values().stream().anyMatch(m -> m.contains(person))
        || serviceMaintainers.values().stream().anyMatch(m -> m.contains(person));
  }

  /** Why a scoped person gets their digest: maintainer (of hosts or services), service (escalation manager), or both. */
  List<String> segments(long person) {
    boolean escalates = escalates(person);
    List<String> out = new java.util.ArrayList<>();
    if (maintains(person) || !escalates) {
      out.add("maintainer");
    }
    if (escalates) {
      out.add("service");
    }
    return out;
  }

  boolean escalates(long person) {
    return services.values().stream().anyMatch(s -> Long.valueOf(person).equals(s.escalationManager()));
  }

  /** Everything: for infrastructure stakeholders and the overview. */
  Scope everything() {
    return new Scope(hosts.keySet(), services.keySet());
  }

  List<String> hostnames(Collection<Long> ids) {
    return ids.stream().map(hosts::get).filter(java.util.Objects::nonNull).map(Host::hostname).sorted().toList();
  }

  List<String> serviceNames(Collection<Long> ids) {
    return ids.stream().map(services::get).filter(java.util.Objects::nonNull).map(Service::name).sorted().toList();
  }

  Person person(String name) {
    return people.values().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }
}
