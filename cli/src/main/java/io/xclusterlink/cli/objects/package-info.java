/** The {@code apply}, {@code get} and {@code delete} commands for objects of the API group. */
package io.xclusterlink.cli.objects;
