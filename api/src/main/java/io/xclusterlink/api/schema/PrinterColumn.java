package io.xclusterlink.api.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A column {@code kubectl get} shows for a kind, in declaration order: an {@code
 * additionalPrinterColumns} entry of the CRD.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(PrinterColumn.List.class)
public @interface PrinterColumn {
  String name();

  /** The OpenAPI type: {@code string}, {@code integer}, {@code date}, ... */
  String type() default "string";

  /** A simple JSONPath from the object's root, e.g. {@code .spec.port}. */
  String jsonPath();

  String description() default "";

  /** The container of repeated {@link PrinterColumn}s. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface List {
    PrinterColumn[] value();
  }
}
