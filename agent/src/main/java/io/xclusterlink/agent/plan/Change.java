package io.xclusterlink.agent.plan;

/** One step from the observed kernel state towards the desired one. */
public sealed interface Change {

  /** The object the step writes or removes. */
  KernelObject object();

  /** Create an object the kernel does not have (it must fail if someone else holds the key). */
  record Add(KernelObject object) implements Change {}

  /** Overwrite one of our objects in place, keeping its key: e.g. a group's new membership. */
  record Replace(KernelObject previous, KernelObject object) implements Change {}

  /** Remove one of our objects. */
  record Delete(KernelObject object) implements Change {}
}
