package io.xclusterlink.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.xclusterlink.cli.table.TextTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The human summary of a gateway's status answer. Pure: takes the JSON tree, returns text. Known
 * sections get their columns in a useful order; fields it does not know are still shown, and
 * missing ones are left out, so a newer or older gateway still renders.
 */
final class StatusView {
  private static final Map<String, List<String>> SECTIONS = new LinkedHashMap<>();

  static {
    SECTIONS.put("peers", List.of("name", "reachable", "reason", "gateways", "labels", "message"));
    SECTIONS.put(
        "imports",
        List.of("namespace", "name", "targetPort", "listening", "sources", "lbScheme", "message"));
    SECTIONS.put("exports", List.of("namespace", "name", "host", "port"));
  }

  private StatusView() {}

  static String render(JsonNode status) {
    StringBuilder sb = new StringBuilder();
    List<String> lists = new ArrayList<>();
    List<String> maps = new ArrayList<>();
    for (Map.Entry<String, JsonNode> f : status.properties()) {
      JsonNode v = f.getValue();
      if (v.isArray() && (SECTIONS.containsKey(f.getKey()) || !isScalarList(v))) {
        lists.add(f.getKey());
      } else if (v.isObject() && !f.getKey().equals("labels")) {
        maps.add(f.getKey());
      } else {
        String value = text(v);
        sb.append(f.getKey()).append(": ").append(value.isEmpty() ? "(none)" : value).append('\n');
      }
    }
    List<String> ordered = new ArrayList<>();
    for (String known : SECTIONS.keySet()) {
      if (lists.remove(known)) {
        ordered.add(known);
      }
    }
    ordered.addAll(lists);
    for (String section : ordered) {
      sb.append('\n');
      section(sb, section, status.get(section));
    }
    for (String map : maps) {
      sb.append('\n').append(map.toUpperCase(Locale.ROOT)).append('\n');
      Map<String, String> flat = new LinkedHashMap<>();
      flatten("", status.get(map), flat);
      int width = flat.keySet().stream().mapToInt(String::length).max().orElse(0);
      for (Map.Entry<String, String> e : flat.entrySet()) {
        sb.append("  ")
            .append(e.getKey())
            .append(" ".repeat(width - e.getKey().length()))
            .append("   ")
            .append(e.getValue())
            .append('\n');
      }
      if (flat.isEmpty()) {
        sb.append("  (none)\n");
      }
    }
    return sb.toString();
  }

  private static void section(StringBuilder sb, String name, JsonNode items) {
    String title = name.toUpperCase(Locale.ROOT);
    if (items.isEmpty()) {
      sb.append(title).append(" (none)\n");
      return;
    }
    sb.append(title).append('\n');
    Set<String> columns = new LinkedHashSet<>();
    for (String preferred : SECTIONS.getOrDefault(name, List.of())) {
      for (JsonNode item : items) {
        if (item.has(preferred) && !item.get(preferred).isNull()) {
          columns.add(preferred);
          break;
        }
      }
    }
    List<String> extra = new ArrayList<>();
    for (JsonNode item : items) {
      item.fieldNames()
          .forEachRemaining(
              f -> {
                if (!columns.contains(f) && !extra.contains(f) && !item.get(f).isNull()) {
                  extra.add(f);
                }
              });
    }
    // A free-text message reads best as the last column.
    if (columns.remove("message")) {
      extra.add("message");
    }
    columns.addAll(extra);
    TextTable table =
        new TextTable(
            columns.stream().map(c -> c.toUpperCase(Locale.ROOT)).collect(Collectors.toList()));
    for (JsonNode item : items) {
      table.row(columns.stream().map(c -> text(item.path(c))).toArray());
    }
    for (String line : table.render().split("\n")) {
      sb.append("  ").append(line).append('\n');
    }
  }

  private static boolean isScalarList(JsonNode array) {
    for (JsonNode n : array) {
      if (n.isContainerNode()) {
        return false;
      }
    }
    return true;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.properties().forEach(e -> flatten(prefix + e.getKey() + ".", e.getValue(), out));
    } else if (!prefix.isEmpty()) {
      out.put(prefix.substring(0, prefix.length() - 1), text(node));
    }
  }

  /** A cell: booleans as yes/no, lists comma-separated, maps as k=v, absent as empty. */
  static String text(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "";
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? "yes" : "no";
    }
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(n -> parts.add(text(n)));
      return String.join(",", parts);
    }
    if (v.isObject()) {
      List<String> parts = new ArrayList<>();
      v.properties().forEach(e -> parts.add(e.getKey() + "=" + text(e.getValue())));
      return String.join(",", parts);
    }
    return v.asText();
  }
}
