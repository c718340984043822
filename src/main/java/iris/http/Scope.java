package iris.http;

import java.util.Locale;

/** What an API key may do; each scope includes the ones before it. */
public enum Scope {
  READ, WRITE, ADMIN;

  public boolean includes(Scope required) {
    return ordinal() >= required.ordinal();
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Scope parse(String value) {
    for (Scope scope : values()) {
      if (scope.wireName().equals(value)) {
        return scope;
      }
    }
    throw HttpProblem.badRequest("scope", "must be one of read, write, admin");
  }
}
