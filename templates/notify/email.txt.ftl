<#ftl output_format="plainText">
<#-- The plain-text part of a notification email; the HTML part (email.html.ftl) says the same.
     Data: subject (as rendered by email-subject.ftl), state, resolved, severity, title, count,
     duration (resolved groups only, e.g. "1 h 12 min"), group_id,
     summary, probable_cause, remediation (list of steps, in order),
     others [{alertname, summary, probable_cause, remediation, runbook}] (the group's other alert names),
     alerts [{alertname, instance, severity, since ("2026-11-24 03:12 UTC" or empty)}] (the first of count),
     counts [{alertname, severity, alerts}] (all count alerts by name, when alerts lists only some),
     not_sent (alerts Alertmanager left out of its webhook, 0 if none),
     links [{title, url}] (http and https only), generated_by ("llm", "template" or empty),
     host (firing groups: the lead alert's host from its latest metrics snapshot, e.g.
     "db1: disk / 91 % (critical), +1.2 %/day, full in ~7 days"; or empty). -->
${subject}

<#if resolved>
Resolved<#if duration?has_content> after ${duration}</#if>.

</#if>
<#if summary?has_content>
SUMMARY
${summary}

</#if>
<#if host?has_content>
HOST
${host}

</#if>
<#if probable_cause?has_content>
PROBABLE CAUSE
${probable_cause}

</#if>
<#if remediation?has_content>
WHAT TO DO
<#list remediation as step>
${step?counter}. ${step}
</#list>

</#if>
<#list others as o>
${o.alertname?upper_case}
<#if o.summary?has_content>${o.summary}
</#if>
<#if o.probable_cause?has_content>Probable cause: ${o.probable_cause}
</#if>
<#list o.remediation as step>
${step?counter}. ${step}
</#list>
<#if o.runbook?has_content>Runbook: ${o.runbook}
</#if>

</#list>
<#if alerts?has_content>
ALERTS (${count?c})
<#list alerts as a>
- ${a.alertname}<#if a.instance?has_content> on ${a.instance}</#if><#if a.severity?has_content> [${a.severity}]</#if><#if a.since?has_content> since ${a.since}</#if>
</#list>
<#if (count > alerts?size)>
- and ${(count - alerts?size)?string(",##0")} more<#if counts?has_content>; all ${count?string(",##0")} by name:</#if>
<#list counts as c>
  ${c.alertname}<#if c.severity?has_content> [${c.severity}]</#if>: ${c.alerts?string(",##0")}
</#list>
</#if>
<#if (not_sent > 0)>
- and ${not_sent?string(",##0")} more alerts Alertmanager did not send (its max_alerts); Alertmanager's UI lists them all
</#if>

</#if>
<#if links?has_content>
LINKS
<#list links as link>
- ${link.title}: ${link.url}
</#list>

</#if>
--
<#if generated_by == "llm">
Summary, cause and steps were written by an LLM from your runbooks and past incidents: check them before acting.
<#elseif generated_by == "template">
Summary, cause and steps come from the matching runbook (no LLM involved).
</#if>
Sent by Iris for alert group ${group_id}.
