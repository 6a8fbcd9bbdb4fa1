package io.xclusterlink.cli.objects;

/** How {@code get} prints objects. */
enum OutputFormat {
  TABLE,
  YAML,
  JSON
}
