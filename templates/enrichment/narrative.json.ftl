<#-- The enrichment Iris writes without an LLM (or when the LLM fails), from the best runbook.
     It must render one JSON object: summary, probable_cause, remediation (list), references (list).
     Data: alert {name, severity, service, instance, summary, description, count, instances},
     runbook {id, title, meaning, causes, remediation, escalation} (absent when none matched),
     past_incidents / infrastructure / references [{id, collection, title, snippet}],
     recent [{id, alertname, status, starts_at}],
     owner {host, services, maintainers, tags [{type, name, reason}]} (what the registry knows; may be empty),
     deployments (lines, newest first), host_health (lines from the host's latest metrics snapshot, e.g.
     "disk / 91 % (critical), +1.2 %/day, full in ~7 days"; the message shows them on their own line). -->
<#assign where = alert.instance?has_content?then(" on " + alert.instance, "")>
<#assign many = (alert.count > 1)?then(" (" + alert.count + " alerts in this group)", "")>
{
  "summary": "${(alert.name + where + many + ": " + alert.summary?has_content?then(alert.summary, alert.description))?json_string}<#if runbook?? && runbook.meaning?has_content> ${runbook.meaning?json_string}</#if>",
  "probable_cause": "<#if runbook?? && runbook.causes?has_content>${("Most likely: " + runbook.causes?join("; "))?json_string}<#elseif past_incidents?has_content>${("A similar past incident: " + past_incidents[0].title)?json_string}<#else>No runbook matches this alert yet; see the description.</#if>",
  "remediation": [<#if runbook??><#list runbook.remediation as step>"${step?json_string}"<#sep>, </#sep></#list></#if>],
  "references": [<#list references as r>"${(r.collection + "/" + r.id + ": " + r.title)?json_string}"<#sep>, </#sep></#list>]
}
