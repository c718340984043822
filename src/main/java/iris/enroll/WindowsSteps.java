package iris.enroll;

import iris.IrisConfig;
import iris.enroll.HostFacts.DetectedService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Enrollment of a Windows host over WinRM, one PowerShell script per step: OS and arch from CIM,
 * services from {@code Get-Service}, the silent Alloy installer, the {@code Alloy} service's
 * arguments in the registry, and a {@code New-NetFirewallRule}.
 */
final class WindowsSteps implements HostSteps {
  private static final Duration FACT_TIMEOUT = Duration.ofSeconds(60);
  static final String INSTALL_DIR = "C:\\Program Files\\GrafanaLabs\\Alloy";
  static final String CONFIG = INSTALL_DIR + "\\config.alloy";
  static final String DATA_DIR = "C:\\ProgramData\\GrafanaLabs\\Alloy\\data";
  private static final String RELEASES = "https://github.com/grafana/alloy/releases/download";

  /** Windows service names (as Get-Service prints them) that mark a service worth monitoring. */
  private static final List<Map.Entry<String, String>> SERVICES = List.of(
      Map.entry("W3SVC", "iis"), Map.entry("MSSQLSERVER", "mssql"), Map.entry("MSSQL$", "mssql"),
      Map.entry("MySQL", "mysql"), Map.entry("MariaDB", "mysql"), Map.entry("postgresql", "postgresql"),
      Map.entry("MongoDB", "mongodb"));

  private final RemoteShell shell;
  private final IrisConfig.Enroll settings;
  private final AlloyPackage alloyPackage;
  private final String fallbackHostname;

  WindowsSteps(RemoteShell shell, IrisConfig.Enroll settings, AlloyPackage alloyPackage, String fallbackHostname) {
    this.shell = shell;
    this.settings = settings;
    this.alloyPackage = alloyPackage;
    this.fallbackHostname = fallbackHostname;
  }

  private String installerUrl() {
    return alloyPackage.source().equals("mirror")
        ? alloyPackage.mirrorUrl() + "/" + settings.alloy().windowsInstaller()
        : RELEASES + "/v" + alloyPackage.version() + "/" + settings.alloy().windowsInstaller() + ".zip";
  }

  @Override
  public String prerequisites() throws Exception {
    if (alloyPackage.source().equals("upload")) {
      throw new StepFailure("alloy source 'upload' is for Linux hosts: a Windows host downloads the installer (use 'mirror')");
    }
    String script = String.join("\n",
        "# iris:prerequisites",
        "$ErrorActionPreference = 'Continue'",
        // Windows PowerShell 5.1 on older servers offers no TLS 1.2 unless asked: HTTPS downloads fail.
        "[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12",
        "Write-Output '==> admin <=='",
        "([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)",
        "Write-Output '==> free <=='",
        "[math]::Floor((Get-CimInstance Win32_LogicalDisk -Filter \"DeviceID='$($env:SystemDrive)'\").FreeSpace / 1MB)",
        "Write-Output '==> reach <=='",
        "try { (Invoke-WebRequest -UseBasicParsing -Method Head -TimeoutSec 5 -Uri '" + installerUrl() + "').StatusCode } catch { if ($_.Exception.Response) { [int]$_.Exception.Response.StatusCode } else { '000' } }",
        "");
    CommandResult result = shell.run(script, FACT_TIMEOUT);
    Map<String, String> sections = Sections.parse(result.stdout());
    List<String> problems = new ArrayList<>();
    if (!"true".equalsIgnoreCase(sections.getOrDefault("admin", "").strip())) {
      problems.add("the account is not an administrator on the host");
    }
    long free = parseLong(sections.getOrDefault("free", ""));
    if (free < settings.minFreeMb()) {
      problems.add(free < 0 ? "cannot read the free space of the system drive" : "only " + free + " MiB free on the system drive; Alloy needs at least " + settings.minFreeMb() + " MiB");
    }
    String reach = sections.getOrDefault("reach", "").strip();
    if (reach.isEmpty() || reach.startsWith("000")) {
      problems.add("the host cannot reach " + installerUrl() + ": use an internal mirror (alloy source 'mirror')");
    }
    if (!problems.isEmpty()) {
      throw new StepFailure(String.join("; ", problems), result.excerpt());
    }
    return "administrator, " + free + " MiB free on the system drive, installer reachable";
  }

  @Override
  public HostFacts detect() throws Exception {
    String script = String.join("\n",
        "# iris:detect",
        "$os = Get-CimInstance Win32_OperatingSystem",
        "Write-Output '==> caption <=='", "$os.Caption",
        "Write-Output '==> version <=='", "$os.Version",
        "Write-Output '==> arch <=='", "$env:PROCESSOR_ARCHITECTURE",
        "Write-Output '==> hostname <=='", "[System.Net.Dns]::GetHostEntry('').HostName",
        "Write-Output '==> services <=='",
        "Get-Service | Where-Object { $_.Status -eq 'Running' } | ForEach-Object { $_.Name }",
        "");
    CommandResult result = shell.run(script, FACT_TIMEOUT);
    if (!result.ok()) {
      throw new StepFailure("detection failed (exit " + result.exitCode() + ")", result.excerpt());
    }
    Map<String, String> sections = Sections.parse(result.stdout());
    String caption = sections.getOrDefault("caption", "").strip();
    if (caption.isEmpty()) {
      throw new StepFailure("Win32_OperatingSystem gave no caption: is this Windows?", result.excerpt());
    }
    return new HostFacts(LinuxDetection.reportedHostname(sections.getOrDefault("hostname", ""), fallbackHostname), OsFamily.WINDOWS, "windows", caption,
        sections.getOrDefault("version", "").strip(), sections.getOrDefault("arch", "AMD64").strip(),
        services(sections.getOrDefault("services", "")), "windows");
  }

  static List<DetectedService> services(String running) {
    List<DetectedService> found = new ArrayList<>();
    for (String line : running.split("\n")) {
      String name = line.strip();
      for (Map.Entry<String, String> known : SERVICES) {
        boolean matches = known.getKey().endsWith("$") ? name.startsWith(known.getKey())
            : name.equalsIgnoreCase(known.getKey()) || name.toLowerCase().startsWith(known.getKey().toLowerCase() + "-")
                || name.toLowerCase().startsWith(known.getKey().toLowerCase());
        if (matches && found.stream().noneMatch(s -> s.name().equals(known.getValue()))) {
          found.add(new DetectedService(known.getValue(), "Windows service " + name + " running"));
        }
      }
    }
    return found;
  }

  @Override
  public String install() throws Exception {
    String url = installerUrl();
    String script = String.join("\n",
        "# iris:install",
        "$ErrorActionPreference = 'Stop'",
        "[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12",
        "$installed = Get-ItemProperty 'HKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*' -ErrorAction SilentlyContinue | Where-Object { $_.DisplayName -like '*Alloy*' -and $_.DisplayVersion -eq '" + alloyPackage.version() + "' }",
        "if ($installed) { Write-Output 'alloy " + alloyPackage.version() + " is already installed'; exit 0 }",
        "$work = Join-Path $env:TEMP 'iris-alloy'",
        "New-Item -ItemType Directory -Force -Path $work | Out-Null",
        "$download = Join-Path $work '" + (url.endsWith(".zip") ? "installer.zip" : settings.alloy().windowsInstaller()) + "'",
        "Invoke-WebRequest -UseBasicParsing -Uri '" + url + "' -OutFile $download",
        url.endsWith(".zip") ? "Expand-Archive -Force -Path $download -DestinationPath $work" : "",
        "$installer = Join-Path $work '" + settings.alloy().windowsInstaller() + "'",
        "$p = Start-Process -FilePath $installer -ArgumentList '/S', '/D=" + INSTALL_DIR + "' -Wait -PassThru",
        "if ($p.ExitCode -ne 0) { Write-Error \"the Alloy installer exited with $($p.ExitCode)\"; exit 5 }",
        "Write-Output 'Alloy " + alloyPackage.version() + " installed'",
        "");
    return run(script, "installing Alloy " + alloyPackage.version() + " failed");
  }

  @Override
  public String configure(AlloyConfig config) throws Exception {
    String encoded = Base64.getEncoder().encodeToString(config.text().getBytes(StandardCharsets.UTF_8));
    int port = settings.alloy().port();
    String script = String.join("\n",
        "# iris:configure",
        "$ErrorActionPreference = 'Stop'",
        "$tmp = [System.IO.Path]::GetTempFileName()",
        "[System.IO.File]::WriteAllText($tmp, [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('" + encoded + "')))",
        "& '" + INSTALL_DIR + "\\alloy-windows-amd64.exe' fmt $tmp | Out-Null",
        "if ($LASTEXITCODE -ne 0) { Remove-Item $tmp; Write-Error 'alloy fmt rejected the rendered config.alloy'; exit 3 }",
        "Copy-Item -Force $tmp '" + CONFIG + "'",
        "Remove-Item $tmp",
        "Set-ItemProperty -Path 'HKLM:\\Software\\GrafanaLabs\\Alloy' -Name Arguments -Type MultiString -Value @('run', '" + CONFIG
            + "', '--storage.path=" + DATA_DIR + "', '--server.http.listen-addr=0.0.0.0:" + port + "')",
        "Write-Output 'config.alloy checked and written; listening on 0.0.0.0:" + port + "'",
        "");
    return run(script, "config.alloy was not written");
  }

  @Override
  public String firewall() throws Exception {
    int port = settings.alloy().port();
    String script = String.join("\n",
        "# iris:firewall",
        "$ErrorActionPreference = 'Stop'",
        "if (-not (Get-NetFirewallRule -DisplayName 'Grafana Alloy (Iris)' -ErrorAction SilentlyContinue)) {",
        "  New-NetFirewallRule -DisplayName 'Grafana Alloy (Iris)' -Direction Inbound -Protocol TCP -LocalPort " + port + " -Action Allow | Out-Null",
        "}",
        "Write-Output 'inbound TCP " + port + " allowed'",
        "");
    return run(script, "opening port " + port + " in Windows Firewall failed");
  }

  @Override
  public String start() throws Exception {
    int port = settings.alloy().port();
    long seconds = settings.alloy().readyTimeout().toSeconds();
    String script = String.join("\n",
        "# iris:start",
        "$ErrorActionPreference = 'Stop'",
        "Set-Service -Name Alloy -StartupType Automatic",
        "Restart-Service -Name Alloy",
        "$deadline = (Get-Date).AddSeconds(" + seconds + ")",
        "while ((Get-Date) -lt $deadline) {",
        "  try { Invoke-WebRequest -UseBasicParsing -TimeoutSec 2 -Uri 'http://127.0.0.1:" + port + "/-/ready' | Out-Null; Write-Output 'ready'; exit 0 } catch { Start-Sleep -Seconds 1 }",
        "}",
        "Write-Error 'Alloy did not answer /-/ready within " + seconds + " s'",
        "exit 4",
        "");
    return run(script, "Alloy did not start");
  }

  @Override
  public String stop() throws Exception {
    return run(String.join("\n", "# iris:unenroll", "Stop-Service -Name Alloy -ErrorAction SilentlyContinue",
        "Set-Service -Name Alloy -StartupType Disabled -ErrorAction SilentlyContinue", "Write-Output 'Alloy stopped and disabled'", ""),
        "stopping Alloy failed");
  }

  private String run(String script, String failure) throws Exception {
    return shell.run(script, settings.stepTimeout()).excerptOrFail(failure);
  }

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
