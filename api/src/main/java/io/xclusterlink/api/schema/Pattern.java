package io.xclusterlink.api.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A string field's anchored regular expression and, when positive, its maximum length: {@code
 * pattern} and {@code maxLength} in the schema.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Pattern {
  String value();

  int maxLength() default 0;
}
