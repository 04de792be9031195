package dev.chat.common;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A name someone will see: not blank by {@link Names}' Unicode-aware reading, no control characters. Pair it
 * with {@link Names#clean} in the request record's constructor, so that what is validated is what is stored.
 * Null is valid (add {@code @NotNull} where the name is required).
 */
@Documented
@Constraint(validatedBy = VisibleName.Validator.class)
@Target({FIELD, METHOD, PARAMETER})
@Retention(RUNTIME)
public @interface VisibleName {

    String message() default "must not be blank";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<VisibleName, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            if (Names.hasControlCharacter(value)) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must not contain control characters")
                        .addConstraintViolation();
                return false;
            }
            return !Names.isBlank(value);
        }
    }
}
