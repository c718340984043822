<#-- Windows hosts: the collectors of windows_exporter Iris's dashboards and alert rules use. -->
// ${host.hostname} (${host.os_name}, ${host.arch}) — rendered by Iris; edits here are overwritten at the next enrollment.
prometheus.exporter.windows "default" {
  enabled_collectors = ["cpu", "logical_disk", "memory", "net", "os", "service", "system"<#list services as s><#if s == "iis">, "iis"</#if><#if s == "mssql">, "mssql"</#if></#list>]
}
