package io.xclusterlink.cli.table;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table in the kubectl style: upper-case headers, columns padded with spaces. */
public final class TextTable {
  private static final String GAP = "   ";

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public TextTable(String... headers) {
    this(Arrays.asList(headers));
  }

  public TextTable(List<String> headers) {
    this.headers = List.copyOf(headers);
  }

  /** Adds a row; null or empty cells print as {@code <none>}, extra cells are ignored. */
  public TextTable row(Object... cells) {
    List<String> row = new ArrayList<>(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      Object c = i < cells.length ? cells[i] : null;
      String s = c == null ? "" : c.toString();
      row.add(s.isEmpty() ? "<none>" : s);
    }
    rows.add(row);
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public void print(PrintWriter out) {
    out.print(render());
    out.flush();
  }

  public String render() {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> r : rows) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, headers, widths);
    for (List<String> r : rows) {
      line(sb, r, widths);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] widths) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      sb.append(c);
      if (i < cells.size() - 1) {
        sb.append(" ".repeat(widths[i] - c.length())).append(GAP);
      }
    }
    sb.append('\n');
  }
}
