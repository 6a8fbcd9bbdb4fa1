package io.xclusterlink.agent.plan;

import io.xclusterlink.agent.plan.KernelObject.FdbEntry;
import io.xclusterlink.agent.plan.KernelObject.LinkAddress;
import io.xclusterlink.agent.plan.KernelObject.Neighbour;
import io.xclusterlink.agent.plan.KernelObject.Nexthop;
import io.xclusterlink.agent.plan.KernelObject.ResilientGroup;
import io.xclusterlink.agent.plan.KernelObject.Route;
import io.xclusterlink.agent.plan.KernelObject.RouteTarget;
import io.xclusterlink.agent.plan.KernelObject.VxlanLink;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A model of the kernel's objects that refuses what the kernel refuses: creating an existing key,
 * replacing or deleting a missing one, referring to a nexthop or one of our devices that does not
 * exist, or deleting something still referred to.
 */
final class KernelModel {
  private final Map<String, KernelObject> objects = new HashMap<>();

  KernelModel(Collection<KernelObject> initial) {
    for (KernelObject o : initial) {
      objects.put(o.key(), o);
    }
  }

  Set<KernelObject> objects() {
    return new HashSet<>(objects.values());
  }

  void apply(Iterable<Change> changes) {
    for (Change c : changes) {
      apply(c);
    }
  }

  void apply(Change change) {
    KernelObject o = change.object();
    if (change instanceof Change.Add) {
      require(!objects.containsKey(o.key()), "add of an existing " + o.key());
      requireReferencesExist(o);
      objects.put(o.key(), o);
    } else if (change instanceof Change.Replace r) {
      require(
          r.previous().equals(objects.get(o.key())),
          "replace of "
              + o.key()
              + " expected "
              + r.previous()
              + " but kernel has "
              + objects.get(o.key()));
      requireReferencesExist(o);
      objects.put(o.key(), o);
    } else {
      require(objects.containsKey(o.key()), "delete of a missing " + o.key());
      objects.remove(o.key());
      for (KernelObject other : objects.values()) {
        require(!refersTo(other, o), "delete of " + o.key() + " still used by " + other);
      }
    }
  }

  private void requireReferencesExist(KernelObject o) {
    if (o instanceof ResilientGroup g) {
      for (int m : g.members()) {
        require(
            objects.get("nexthop " + Integer.toUnsignedString(m)) instanceof Nexthop,
            o + " refers to a missing nexthop " + m);
      }
    } else if (o instanceof Route r && r.target() instanceof RouteTarget.ViaNexthop v) {
      require(
          objects.containsKey("nexthop " + Integer.toUnsignedString(v.nhid())),
          o + " refers to a missing nexthop " + v.nhid());
    }
    String dev = device(o);
    if (dev != null && dev.startsWith("xclvx")) {
      require(objects.containsKey("link " + dev), o + " is on a missing device " + dev);
    }
  }

  private static boolean refersTo(KernelObject from, KernelObject to) {
    if (to instanceof Nexthop n && from instanceof ResilientGroup g) {
      return g.members().contains(n.id());
    }
    if ((to instanceof ResilientGroup || to instanceof Nexthop)
        && from instanceof Route r
        && r.target() instanceof RouteTarget.ViaNexthop v) {
      return to.key().equals("nexthop " + Integer.toUnsignedString(v.nhid()));
    }
    if (to instanceof VxlanLink l) {
      return l.name().equals(device(from));
    }
    return false;
  }

  private static String device(KernelObject o) {
    if (o instanceof LinkAddress a) {
      return a.dev();
    } else if (o instanceof FdbEntry f) {
      return f.dev();
    } else if (o instanceof Neighbour n) {
      return n.dev();
    } else if (o instanceof Nexthop n) {
      return n.dev();
    } else if (o instanceof Route r && r.target() instanceof RouteTarget.ViaGateway g) {
      return g.dev();
    }
    return null;
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("kernel would refuse: " + what);
    }
  }
}
