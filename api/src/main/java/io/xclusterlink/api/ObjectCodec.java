package io.xclusterlink.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads and writes objects as YAML (multi-document) and JSON. Every error is an {@link
 * InvalidObjectException} with a one-line message naming the document and field. Thread-safe.
 */
public final class ObjectCodec {
  private static final ObjectMapper JSON = configure(new ObjectMapper());
  private static final ObjectMapper YAML =
      configure(
          new ObjectMapper(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build()));

  private static final Pattern NUMBER = Pattern.compile("\\(([-0-9.eE+]+)\\)");
  // the message of Jackson's duplicate detection (JsonReadContext); there is no exception type for
  // it
  private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '");

  private ObjectCodec() {}

  private static ObjectMapper configure(ObjectMapper m) {
    // "port: 80" and "port: 81" in one mapping is a mistake, not "the last one wins"
    m.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        // "port: 80.5" is a mistake, not 80
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .setSerializationInclusion(JsonInclude.Include.NON_NULL)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  }

  /** The shared JSON mapper, for callers that map their own records (status answers). */
  public static ObjectMapper json() {
    return JSON;
  }

  /** Reads every non-empty document of a YAML stream; namespaces are normalised. */
  public static List<XclObject> readYaml(String text) {
    List<XclObject> out = new ArrayList<>();
    int doc = 0;
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (true) {
        doc++;
        JsonNode node;
        try {
          if (!it.hasNextValue()) {
            break;
          }
          node = it.nextValue();
        } catch (IOException | RuntimeException e) {
          String duplicate = duplicateKeyPath(e);
          throw new InvalidObjectException(
              "document "
                  + doc
                  + ": "
                  + (duplicate != null
                      ? duplicate + ": duplicate key (expected: each key once)"
                      : "not valid YAML: " + yamlProblem(e)));
        }
        // Only empty documents (read as null or "") are skipped; any other scalar or {} is a
        // mistake to report, not to drop silently.
        if (node == null
            || node.isNull()
            || node.isMissingNode()
            || (node.isTextual() && node.asText().isEmpty())) {
          doc--;
          continue;
        }
        try {
          out.add(fromTree(node));
        } catch (InvalidObjectException e) {
          throw new InvalidObjectException("document " + doc + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new InvalidObjectException("not valid YAML: " + yamlProblem(e));
    }
    return out;
  }

  /** Reads one object from JSON. */
  public static XclObject readJson(String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String duplicate = duplicateKeyPath(e);
      throw new InvalidObjectException(
          duplicate != null
              ? duplicate + ": duplicate key (expected: each key once)"
              : "not valid JSON: " + firstLine(e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new InvalidObjectException("body: expected a JSON object");
    }
    return fromTree(node);
  }

  /** Maps a parsed tree (JSON or YAML) to its object, checking apiVersion and kind. */
  public static XclObject fromTree(JsonNode node) {
    if (!node.isObject()) {
      throw new InvalidObjectException(
          "found "
              + describeNode(node)
              + " (expected: a mapping with apiVersion, kind, metadata, spec)");
    }
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    JsonNode apiVersion = copy.remove("apiVersion");
    JsonNode kindNode = copy.remove("kind");
    if (apiVersion == null || !XclObject.API_VERSION.equals(apiVersion.asText())) {
      throw new InvalidObjectException(
          "apiVersion: "
              + (apiVersion == null || apiVersion.isNull()
                  ? "missing"
                  : "'" + apiVersion.asText() + "'")
              + " (expected: "
              + XclObject.API_VERSION
              + ")");
    }
    if (kindNode == null || !kindNode.isTextual()) {
      throw new InvalidObjectException("kind: missing (expected one of: " + Kind.names() + ")");
    }
    Kind kind = kindByName(kindNode.asText());
    if (!copy.hasNonNull("metadata")) {
      throw new InvalidObjectException("metadata.name: missing (expected: a name)");
    }
    try {
      XclObject obj = JSON.treeToValue(copy, kind.type());
      return obj.normalized();
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "));
      throw new InvalidObjectException(
          path(e) + ": unknown field (expected one of: " + known + ")");
    } catch (InvalidFormatException e) {
      throw new InvalidObjectException(
          path(e) + ": '" + e.getValue() + "' (expected: " + simpleType(e.getTargetType()) + ")");
    } catch (MismatchedInputException e) {
      throw new InvalidObjectException(
          path(e) + ": wrong type (expected: " + simpleType(e.getTargetType()) + ")");
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof NullPointerException) {
        // the records' List.copyOf/Map.copyOf refuse null entries ("- " or "key:" with no value)
        throw new InvalidObjectException(
            path(e) + ": contains an empty entry (expected: every list item and value to be set)");
      }
      throw new InvalidObjectException(path(e) + ": " + firstLine(e.getOriginalMessage()));
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof InputCoercionException c) {
        // a number too large for its field; name the field, not Jackson's int range
        Matcher m = NUMBER.matcher(c.getOriginalMessage());
        throw new InvalidObjectException(
            path(e)
                + ": "
                + (m.find() ? m.group(1) : "number")
                + " (expected: "
                + simpleType(c.getTargetType())
                + " in range)");
      }
      throw new InvalidObjectException(path(e) + ": " + firstLine(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw new InvalidObjectException(firstLine(e.getOriginalMessage()));
    }
  }

  private static String describeNode(JsonNode node) {
    if (node.isArray()) {
      return "a list";
    }
    String text = node.asText();
    return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
  }

  /** SnakeYAML's problem as one line: where, what was found or expected, and the context. */
  private static String yamlProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m) {
        Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
        String problem = m.getProblem() != null ? m.getProblem() : m.getContext();
        StringBuilder sb = new StringBuilder();
        if (mark != null) {
          sb.append("line ")
              .append(mark.getLine() + 1)
              .append(", column ")
              .append(mark.getColumn() + 1);
          sb.append(": ");
        }
        sb.append(problem == null ? "" : problem.replace('\n', ' ').strip());
        if (m.getProblem() != null && m.getContext() != null) {
          sb.append(" (").append(m.getContext().replace('\n', ' ').strip()).append(')');
        }
        return sb.toString();
      }
    }
    return firstLine(
        e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
  }

  /**
   * The path of the key that Jackson's duplicate detection refused (for example {@code
   * spec.sources[0].peer}), read from the parser's context at the moment it threw; null when {@code
   * e} is another problem.
   */
  private static String duplicateKeyPath(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamReadException r
          && r.getProcessor() != null
          && DUPLICATE.matcher(String.valueOf(r.getOriginalMessage())).find()) {
        JsonParser parser = r.getProcessor();
        List<String> parts = new ArrayList<>();
        // the innermost context names the duplicated key; each enclosing one the field or item
        // index that leads to it
        for (JsonStreamContext c = parser.getParsingContext();
            c != null && !c.inRoot();
            c = c.getParent()) {
          if (c.inObject()) {
            parts.add(
                0,
                (c.getParent() != null && c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
          } else if (c.inArray()) {
            parts.add(0, "[" + c.getCurrentIndex() + "]");
          }
        }
        return parts.isEmpty() ? null : String.join("", parts);
      }
    }
    return null;
  }

  private static Kind kindByName(String name) {
    for (Kind k : Kind.values()) {
      if (k.kindName().equals(name)) {
        return k;
      }
    }
    throw new InvalidObjectException(
        "kind: '" + name + "' (expected one of: " + Kind.names() + ")");
  }

  /** The object as a JSON tree with apiVersion and kind first. */
  public static ObjectNode toTree(XclObject obj) {
    ObjectNode out = JSON.createObjectNode();
    out.put("apiVersion", XclObject.API_VERSION);
    out.put("kind", obj.kind().kindName());
    ObjectNode body = JSON.valueToTree(obj);
    if (obj.status().isEmpty()) {
      body.remove("status");
    }
    out.setAll(body);
    return out;
  }

  public static String toJson(Object value) {
    try {
      Object v = value instanceof XclObject o ? toTree(o) : value;
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Writes the objects as one multi-document YAML stream. */
  public static String toYaml(List<? extends XclObject> objects) {
    StringBuilder sb = new StringBuilder();
    Iterator<? extends XclObject> it = objects.iterator();
    while (it.hasNext()) {
      try {
        sb.append(YAML.writeValueAsString(toTree(it.next())));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write YAML", e);
      }
      if (it.hasNext()) {
        sb.append("---\n");
      }
    }
    return sb.toString();
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "object" : sb.toString();
  }

  private static String simpleType(Class<?> type) {
    if (type == null) {
      return "a different type";
    }
    if (type == Integer.class || type == int.class) {
      return "an integer";
    }
    if (type == String.class) {
      return "a string";
    }
    if (java.util.Map.class.isAssignableFrom(type)) {
      return "a mapping";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a mapping";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
