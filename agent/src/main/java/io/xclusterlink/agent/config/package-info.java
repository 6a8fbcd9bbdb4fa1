/**
 * The agent's one immutable configuration, read once from a YAML or JSON file: the node's role, the
 * tunnel it serves and how it probes.
 */
package io.xclusterlink.agent.config;
