<#ftl output_format="HTML">
<#-- The HTML part of a notification email; the plain-text part (email.txt.ftl) says the same.
     The HTML output format escapes every ${...}: alert names, labels and LLM text are data, never markup.
     Mail clients ignore <style> blocks and external CSS, so styles are inline and the layout is tables.
     Data: subject (as rendered by email-subject.ftl), state, resolved, severity, title, count,
     duration (resolved groups only, e.g. "1 h 12 min"), group_id,
     summary, probable_cause, remediation (list of steps, in order),
     others [{alertname, summary, probable_cause, remediation, runbook}] (the group's other alert names),
     alerts [{alertname, instance, severity, since ("2026-11-24 03:12 UTC" or empty)}],
     links [{title, url}] (http and https only), generated_by ("llm", "template" or empty),
     host (firing groups: the lead alert's host from its latest metrics snapshot, e.g.
     "db1: disk / 91 % (critical), +1.2 %/day, full in ~7 days"; or empty). -->
<#assign colour = resolved?then("#2e7d32", (severity == "critical")?then("#c62828", (severity == "warning")?then("#ef6c00", "#1565c0")))>
<#assign cell = "padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;">
<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>${subject}</title></head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:760px;">
<tr><td style="background:${colour};color:#fff;padding:10px 14px;font-weight:bold;">
  <#if resolved>RESOLVED<#if duration?has_content> after ${duration}</#if><#else>FIRING<#if severity?has_content> &middot; ${severity}</#if></#if>
  &middot; ${count?c} alert<#if count != 1>s</#if>
</td></tr>
<tr><td style="padding:12px 14px;">
  <h2 style="margin:0 0 12px 0;font-size:18px;">${title}</h2>
<#if summary?has_content>
  <h3 style="margin:16px 0 4px 0;font-size:15px;">Summary</h3>
  <p style="margin:0;">${summary}</p>
</#if>
<#if host?has_content>
  <p style="margin:8px 0 0 0;"><b>Host:</b> ${host}</p>
</#if>
<#if probable_cause?has_content>
  <h3 style="margin:16px 0 4px 0;font-size:15px;">Probable cause</h3>
  <p style="margin:0;">${probable_cause}</p>
</#if>
<#if remediation?has_content>
  <h3 style="margin:16px 0 4px 0;font-size:15px;">What to do</h3>
  <ol style="margin:0;padding-left:22px;">
<#list remediation as step>
    <li>${step}</li>
</#list>
  </ol>
</#if>
<#list others as o>
  <h3 style="margin:16px 0 4px 0;font-size:15px;">${o.alertname}</h3>
<#if o.summary?has_content>
  <p style="margin:0;">${o.summary}</p>
</#if>
<#if o.probable_cause?has_content>
  <p style="margin:4px 0 0 0;"><b>Probable cause:</b> ${o.probable_cause}</p>
</#if>
<#if o.remediation?has_content>
  <ol style="margin:4px 0 0 0;padding-left:22px;">
<#list o.remediation as step>
    <li>${step}</li>
</#list>
  </ol>
</#if>
<#if o.runbook?has_content>
  <p style="margin:4px 0 0 0;"><a href="${o.runbook}" style="color:#1565c0;">Runbook</a></p>
</#if>
</#list>
<#if alerts?has_content>
  <h3 style="margin:16px 0 4px 0;font-size:15px;">Alerts</h3>
  <table cellpadding="0" cellspacing="0" style="border-collapse:collapse;">
    <tr><th style="${cell}">Alert</th><th style="${cell}">Instance</th><th style="${cell}">Severity</th><th style="${cell}">Since</th></tr>
<#list alerts as a>
    <tr><td style="${cell}">${a.alertname}</td><td style="${cell}">${a.instance}</td><td style="${cell}">${a.severity}</td><td style="${cell}">${a.since}</td></tr>
</#list>
  </table>
<#if (count > alerts?size)>
  <p style="margin:6px 0 0 0;color:#666;">and ${(count - alerts?size)?string(",##0")} more<#if counts?has_content>; all ${count?string(",##0")} by name:</#if></p>
<#if counts?has_content>
  <ul style="margin:4px 0 0 0;padding-left:20px;color:#666;">
<#list counts as c>
    <li>${c.alertname}<#if c.severity?has_content> (${c.severity})</#if>: ${c.alerts?string(",##0")}</li>
</#list>
  </ul>
</#if>
</#if>
<#if (not_sent > 0)>
  <p style="margin:6px 0 0 0;color:#b71c1c;">and ${not_sent?string(",##0")} more alerts Alertmanager did not send (its max_alerts); Alertmanager's UI lists them all</p>
</#if>
</#if>
<#if links?has_content>
  <p style="margin:16px 0 0 0;">
<#list links as link>
    <a href="${link.url}" style="color:#1565c0;">${link.title}</a><#sep> &middot; </#sep>
</#list>
  </p>
</#if>
</td></tr>
<tr><td style="padding:12px 14px;color:#666;font-size:12px;border-top:1px solid #ddd;">
<#if generated_by == "llm">
  Summary, cause and steps were written by an LLM from your runbooks and past incidents: check them before acting.<br>
<#elseif generated_by == "template">
  Summary, cause and steps come from the matching runbook (no LLM involved).<br>
</#if>
  Sent by Iris for alert group ${group_id}.
</td></tr>
</table>
</body>
</html>
