<#-- The subject of a notification email. Iris folds it into one line, so line breaks here are free.
     Data: state ("firing" or "resolved"), resolved (boolean), severity (critical, warning, info,
     or empty), title, count (alerts in the group), duration (how long a resolved group fired,
     e.g. "1 h 12 min"; empty while firing), group_id.
     e.g. "[FIRING critical] HostOutOfMemory on node-1:9100 (3 alerts)"
          "[RESOLVED] HostOutOfMemory on node-1:9100 (3 alerts) after 1 h 12 min" -->
<#if resolved>[RESOLVED]<#else>[FIRING<#if severity?has_content> ${severity}</#if>]</#if>
${title}
<#if (count > 1)>(${count?c} alerts)</#if>
<#if resolved && duration?has_content>after ${duration}</#if>
