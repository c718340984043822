package iris.enroll;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.http.HttpProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an operator asks for: which machine, how to log in, and what the host is for. Parsed and
 * validated whole before a job exists; every mistake is a 400 naming the field (with the batch
 * row in front when there is one). The credential travels separately and is sealed at rest.
 */
public record EnrollmentRequest(
    String address,
    int port,
    String os,
    String username,
    Credential credential,
    String hostKeyFingerprint,
    boolean trustOnFirstUse,
    String hostname,
    String environment,
    List<String> services,
    Map<String, String> labels,
    String prometheus,
    List<String> maintainers,
    String alloySource,
    Boolean winrmHttps,
    String winrmAuth,
    boolean replace) {

  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]%_]{1,253}");
  private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.\\-_]{0,252}");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}=?|MD5:([0-9a-fA-F]{2}:){15}[0-9a-fA-F]{2}");
  /** Labels Iris sets itself on every target. */
  private static final List<String> RESERVED_LABELS = List.of("hostname", "job", "environment", "service_type", "host_id", "instance");

  /** A password, a private key (with its passphrase) or a key file on the Iris host. Never printed. */
  public record Credential(String password, String privateKey, String passphrase, String privateKeyPath) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject();
      if (password != null) {
        json.put("password", password);
      }
      if (privateKey != null) {
        json.put("private_key", privateKey);
      }
      if (passphrase != null) {
        json.put("passphrase", passphrase);
      }
      if (privateKeyPath != null) {
        json.put("private_key_path", privateKeyPath);
      }
      return json;
    }

    public static Credential fromJson(JsonObject json) {
      return new Credential(json.getString("password"), json.getString("private_key"), json.getString("passphrase"),
          json.getString("private_key_path"));
    }

    public String kind() {
      return password != null ? "password" : privateKey != null ? "private_key" : "private_key_path";
    }

    @Override
    public String toString() {
      return "Credential[" + kind() + "]";
    }
  }

  public boolean windows() {
    return os.equals("windows");
  }

  /** What identifies the machine while it has no host row: one job at a time per target. */
  public String target() {
    return address.toLowerCase(Locale.ROOT) + ":" + port;
  }

  /** @param where "" for a single request, or "rows[3]." for a batch row */
  public static EnrollmentRequest parse(JsonObject json, String where) {
    String address = required(json, "address", where);
    if (!ADDRESS.matcher(address).matches()) {
      throw bad(where, "address", "must be a host name or an IP address");
    }
    String os = optional(json, "os", where, "auto").toLowerCase(Locale.ROOT);
    if (!List.of("linux", "windows", "auto").contains(os)) {
      throw bad(where, "os", "must be linux, windows or auto");
    }
    Integer port = integer(json, "port", where);
    if (port != null && (port < 1 || port > 65535)) {
      throw bad(where, "port", "must be from 1 to 65535");
    }
    if (os.equals("auto") && port != null && (port == 5985 || port == 5986)) {
      os = "windows";
    }
    int resolvedPort = port != null ? port : os.equals("windows") ? 5985 : 22;
    String username = required(json, "username", where);
    Credential credential = credential(json, where);
    String fingerprint = optional(json, "host_key_fingerprint", where, null);
    if (fingerprint != null && !FINGERPRINT.matcher(fingerprint).matches()) {
      throw bad(where, "host_key_fingerprint", "must look like SHA256:<43 base64 characters> (ssh-keygen -lf) or MD5:xx:xx:…");
    }
    boolean tofu = bool(json, "trust_on_first_use", where);
    String hostname = optional(json, "hostname", where, null);
    if (hostname != null && !HOSTNAME.matcher(hostname).matches()) {
      throw bad(where, "hostname", "letters, digits, '.', '-' and '_' only");
    }
    String environment = required(json, "environment", where);
    if (!LABEL_VALUE_SAFE.matcher(environment).matches()) {
      throw bad(where, "environment", "letters, digits, '.', '-' and '_' only (1 to 64)");
    }
    List<String> services = names(json, "services", where);
    List<String> maintainers = names(json, "maintainers", where);
    Map<String, String> labels = labels(json, where);
    String prometheus = optional(json, "prometheus", where, null);
    String alloySource = optional(json, "alloy_source", where, null);
    if (alloySource != null && !iris.IrisConfig.Alloy.SOURCES.contains(alloySource)) {
      throw bad(where, "alloy_source", "must be one of " + iris.IrisConfig.Alloy.SOURCES);
    }
    Boolean https = null;
    String winrmAuth = null;
    if (json.getValue("winrm") != null) {
      if (!(json.getValue("winrm") instanceof JsonObject winrm)) {
        throw bad(where, "winrm", "must be an object {https, auth}");
      }
      if (winrm.getValue("https") != null && !(winrm.getValue("https") instanceof Boolean)) {
        throw bad(where, "winrm.https", "must be true or false");
      }
      https = winrm.getBoolean("https");
      winrmAuth = winrm.getValue("auth") == null ? null : String.valueOf(winrm.getValue("auth")).toLowerCase(Locale.ROOT);
      if (winrmAuth != null && !List.of("ntlm", "basic", "kerberos").contains(winrmAuth)) {
        throw bad(where, "winrm.auth", "must be ntlm, basic or kerberos");
      }
    }
    if (os.equals("windows") && credential.password() == null) {
      throw bad(where, "auth.password", "WinRM needs a password");
    }
    return new EnrollmentRequest(address, resolvedPort, os, username, credential, fingerprint, tofu, hostname, environment,
        services, labels, prometheus, maintainers, alloySource, https, winrmAuth, bool(json, "replace", where));
  }

  private static final Pattern LABEL_VALUE_SAFE = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");

  private static Credential credential(JsonObject json, String where) {
    if (!(json.getValue("auth") instanceof JsonObject auth)) {
      throw bad(where, "auth", "required: an object with one of private_key, private_key_path or password");
    }
    List<String> given = new ArrayList<>();
    for (String kind : List.of("private_key", "private_key_path", "password")) {
      Object value = auth.getValue(kind);
      if (value != null) {
        if (!(value instanceof String text) || text.isEmpty()) {
          throw bad(where, "auth." + kind, "must be a non-empty string");
        }
        given.add(kind);
      }
    }
    if (given.size() != 1) {
      throw bad(where, "auth", "give exactly one of private_key, private_key_path or password" + (given.isEmpty() ? "" : ", not " + given));
    }
    String key = auth.getString("private_key");
    if (key != null && !key.contains("PRIVATE KEY")) {
      throw bad(where, "auth.private_key", "must be a PEM or OpenSSH private key (-----BEGIN … PRIVATE KEY-----)");
    }
    return new Credential(auth.getString("password"), key, auth.getString("passphrase"), auth.getString("private_key_path"));
  }

  private static Map<String, String> labels(JsonObject json, String where) {
    Object value = json.getValue("labels");
    Map<String, String> labels = new LinkedHashMap<>();
    if (value == null) {
      return labels;
    }
    if (!(value instanceof JsonObject object)) {
      throw bad(where, "labels", "must be an object of label name to value");
    }
    for (String name : object.fieldNames()) {
      if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
        throw bad(where, "labels." + name, "is not a valid Prometheus label name");
      }
      if (RESERVED_LABELS.contains(name)) {
        throw bad(where, "labels." + name, "is set by Iris on every target");
      }
      Object v = object.getValue(name);
      if (v instanceof JsonObject || v instanceof JsonArray || v == null) {
        throw bad(where, "labels." + name, "must be a string");
      }
      labels.put(name, String.valueOf(v));
    }
    return labels;
  }

  private static List<String> names(JsonObject json, String field, String where) {
    Object value = json.getValue(field);
    List<String> names = new ArrayList<>();
    if (value == null) {
      return names;
    }
    if (value instanceof String text) {
      for (String part : text.split("[,;]")) {
        if (!part.isBlank()) {
          names.add(part.strip());
        }
      }
      return names;
    }
    if (!(value instanceof JsonArray array)) {
      throw bad(where, field, "must be a list of names");
    }
    for (Object item : array) {
      if (!(item instanceof String text) || text.isBlank()) {
        throw bad(where, field, "must be a list of non-empty names");
      }
      names.add(text.strip());
    }
    return names;
  }

  /** The request as stored with its job: everything but the credential. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("address", address).put("port", port).put("os", os).put("username", username)
        .put("auth_kind", credential.kind()).put("trust_on_first_use", trustOnFirstUse).put("environment", environment)
        .put("services", new JsonArray(services)).put("labels", new JsonObject(new LinkedHashMap<>(labels)))
        .put("maintainers", new JsonArray(maintainers));
    putIf(json, "host_key_fingerprint", hostKeyFingerprint);
    putIf(json, "hostname", hostname);
    putIf(json, "prometheus", prometheus);
    putIf(json, "alloy_source", alloySource);
    putIf(json, "private_key_path", credential.privateKeyPath());
    if (replace) {
      json.put("replace", true);
    }
    if (winrmHttps != null || winrmAuth != null) {
      JsonObject winrm = new JsonObject();
      putIf(winrm, "https", winrmHttps);
      putIf(winrm, "auth", winrmAuth);
      json.put("winrm", winrm);
    }
    return json;
  }

  /** Rebuilds a stored request around its unsealed credential. */
  public static EnrollmentRequest fromStored(JsonObject stored, Credential credential) {
    JsonObject json = stored.copy();
    json.put("auth", credential.toJson());
    json.remove("auth_kind");
    json.remove("private_key_path");
    return parse(json, "");
  }

  private static void putIf(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  private static String required(JsonObject json, String field, String where) {
    String value = optional(json, field, where, null);
    if (value == null || value.isBlank()) {
      throw bad(where, field, "is required");
    }
    return value.strip();
  }

  private static String optional(JsonObject json, String field, String where, String fallback) {
    Object value = json.getValue(field);
    if (value == null || (value instanceof String s && s.isBlank())) {
      return fallback;
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      throw bad(where, field, "must be a string");
    }
    return String.valueOf(value).strip();
  }

  private static Integer integer(JsonObject json, String field, String where) {
    Object value = json.getValue(field);
    if (value == null || (value instanceof String s && s.isBlank())) {
      return null;
    }
    if (value instanceof Number n && n.doubleValue() == n.intValue()) {
      return n.intValue();
    }
    if (value instanceof String s && s.strip().matches("\\d{1,9}")) {
      return Integer.parseInt(s.strip());
    }
    throw bad(where, field, "must be a whole number");
  }

  private static boolean bool(JsonObject json, String field, String where) {
    Object value = json.getValue(field);
    if (value == null || (value instanceof String s && s.isBlank())) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && List.of("true", "false", "yes", "no").contains(s.strip().toLowerCase(Locale.ROOT))) {
      return List.of("true", "yes").contains(s.strip().toLowerCase(Locale.ROOT));
    }
    throw bad(where, field, "must be true or false");
  }

  private static HttpProblem bad(String where, String field, String message) {
    return HttpProblem.badRequest(where + field, message);
  }
}
