package io.xclusterlink.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The records of the plan write their {@code equals} by hand (see {@link KernelObject}): each must
 * still be "same class and every component equal", or a diff would miss a change.
 */
class KernelObjectTest {

  /** One instance of every kind a plan holds, from gateways and routers, plain and overlapping. */
  static Map<Class<?>, Record> samples() {
    TwoClusters plain = TwoClusters.example();
    List<Object> all = new ArrayList<>();
    for (TwoClusters t : List.of(plain, plain.withOverlap(true))) {
      all.addAll(Plan.desired(new Node.VpcRouter(), t.forA()));
      all.addAll(Plan.desired(new Node.Gateway("g1"), t.forA()));
    }
    Map<Class<?>, Record> out = new LinkedHashMap<>();
    for (Object o : all) {
      out.putIfAbsent(o.getClass(), (Record) o);
      if (o instanceof KernelObject.Route r) {
        out.putIfAbsent(r.target().getClass(), (Record) r.target());
        out.putIfAbsent(Ipv4Prefix.class, r.prefix());
      }
    }
    out.putIfAbsent(
        KernelObject.RouteTarget.ViaGateway.class,
        new KernelObject.RouteTarget.ViaGateway(Ipv4.parse("10.0.0.1"), "tr0"));
    out.putIfAbsent(Ipv4.class, Ipv4.parse("10.0.0.1"));
    out.putIfAbsent(Mac.class, Mac.ofOverlay(Ipv4.parse("100.64.0.1")));
    return out;
  }

  @Test
  void everyKindIsSampled() {
    assertThat(samples().keySet())
        .containsAll(List.of(KernelObject.class.getPermittedSubclasses()))
        .containsAll(List.of(KernelObject.RouteTarget.class.getPermittedSubclasses()))
        .contains(Ipv4Prefix.class, Ipv4.class, Mac.class);
  }

  @Test
  void equalsIsEveryComponentEqualAndSeesAChangeInAnyOne() throws Exception {
    for (Record sample : samples().values()) {
      Class<?> type = sample.getClass();
      RecordComponent[] components = type.getRecordComponents();
      Object[] values = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        values[i] = components[i].getAccessor().invoke(sample);
      }
      Constructor<?> canonical =
          type.getDeclaredConstructor(
              java.util.Arrays.stream(components)
                  .map(RecordComponent::getType)
                  .toArray(Class<?>[]::new));
      Object same = canonical.newInstance(values);
      assertThat(same).as(type.getSimpleName()).isEqualTo(sample).hasSameHashCodeAs(sample);
      assertThat(sample.equals(null)).as(type.getSimpleName()).isFalse();
      if (components.length > 1 && !components[0].getType().isPrimitive()) {
        Object[] withNull = values.clone();
        withNull[0] = null;
        try {
          Object partial = canonical.newInstance(withNull);
          // a constructor that takes a null component: equals compares it without throwing
          assertThat(partial.equals(sample)).isFalse();
          assertThat(sample.equals(partial)).isFalse();
        } catch (java.lang.reflect.InvocationTargetException refused) {
          // the constructor refuses a null component: nothing to compare
        }
      }
      assertThat(sample.equals(values.length > 0 ? values[0] : "")).isFalse();
      for (int i = 0; i < components.length; i++) {
        Object[] changed = values.clone();
        changed[i] = other(values[i]);
        Object different = canonical.newInstance(changed);
        assertThat(different)
            .as(type.getSimpleName() + "." + components[i].getName())
            .isNotEqualTo(sample);
      }
    }
  }

  /** A value of the same type that differs from {@code v} and still passes the constructors. */
  static Object other(Object v) {
    if (v instanceof Integer i) {
      return i == 32 ? 31 : i + 1;
    }
    if (v instanceof Long l) {
      return l ^ 1;
    }
    if (v instanceof String s) {
      return s + "x";
    }
    if (v instanceof Ipv4 ip) {
      return new Ipv4(ip.bits() ^ 0x8000_0000);
    }
    if (v instanceof Mac m) {
      return new Mac(m.bits() ^ 1);
    }
    if (v instanceof Ipv4Prefix p) {
      return p.length() < 32
          ? new Ipv4Prefix(p.address(), p.length() + 1)
          : new Ipv4Prefix(new Ipv4(p.address().bits() ^ 1), 32);
    }
    if (v instanceof List<?> l) {
      List<Object> more = new ArrayList<>(l);
      more.add(l.get(0));
      return more;
    }
    if (v instanceof KernelObject.RouteTarget.ViaNexthop) {
      return new KernelObject.RouteTarget.ViaGateway(Ipv4.parse("10.0.0.1"), "tr0");
    }
    if (v instanceof KernelObject.RouteTarget.ViaGateway) {
      return new KernelObject.RouteTarget.ViaNexthop(7);
    }
    throw new AssertionError("no other value for " + v.getClass());
  }
}
