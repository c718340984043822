<#ftl output_format="HTML">
<#-- A digest's email and full report (GET /api/v1/digests/{id}/html); email.txt.ftl says the same.
     Data: subject, title, narrative, report_url, scope, facts [{name, value}], mtta, mttr,
     severities [{severity, total, resolved, open, previous, mtta, mttr, sla}],
     sections [{title, rows [{name, value}]}] (an empty section says so). -->
<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: sans-serif; max-width: 60em">
<h2>${title}</h2>
<p>${narrative}</p>
<p style="color: #555">Covers ${scope}.</p>
<table>
<#list facts as fact>
<tr><th style="text-align: left; padding-right: 1em">${fact.name}</th><td>${fact.value}</td></tr>
</#list>
<tr><th style="text-align: left; padding-right: 1em">MTTA</th><td>${mtta}</td></tr>
<tr><th style="text-align: left; padding-right: 1em">MTTR</th><td>${mttr}</td></tr>
</table>
<#if severities?has_content>
<h3>By severity</h3>
<table border="1" cellpadding="4" style="border-collapse: collapse">
<tr><th>Severity</th><th>Incidents</th><th>Resolved</th><th>Open</th><th>Before</th><th>MTTA</th><th>MTTR</th><th>Time to resolve</th></tr>
<#list severities as s>
<tr><td>${s.severity}</td><td>${s.total}</td><td>${s.resolved}</td><td>${s.open}</td><td>${s.previous}</td><td>${s.mtta}</td><td>${s.mttr}</td><td>${s.sla}</td></tr>
</#list>
</table>
</#if>
<#list sections as section>
<h3>${section.title}</h3>
<#if section.rows?has_content>
<ul>
<#list section.rows as row>
<li><strong>${row.name}</strong><#if row.value?has_content>: ${row.value}</#if></li>
</#list>
</ul>
<#else>
<p style="color: #555">None.</p>
</#if>
</#list>
<#if report_url?has_content><p><a href="${report_url}">The full report</a></p></#if>
</body>
</html>
