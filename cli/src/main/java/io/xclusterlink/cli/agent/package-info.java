/** {@code xcl agent ...}: the L3 agent of a VPC router or gateway node, in the foreground. */
package io.xclusterlink.cli.agent;
