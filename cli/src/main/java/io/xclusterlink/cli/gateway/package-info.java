/** The {@code gateway start} command: parses a gateway's options and runs it in the foreground. */
package io.xclusterlink.cli.gateway;
