<#ftl output_format="plainText">
<#-- The plain-text part of a digest's email; email.html.ftl says the same (see it for the data). -->
${title}

${narrative}

Covers ${scope}.

<#list facts as fact>
${fact.name}: ${fact.value}
</#list>
MTTA: ${mtta}
MTTR: ${mttr}
<#if severities?has_content>

By severity (incidents, resolved, open, before; MTTA; MTTR; time to resolve)
<#list severities as s>
- ${s.severity}: ${s.total}, ${s.resolved} resolved, ${s.open} open, ${s.previous} before; MTTA ${s.mtta}; MTTR ${s.mttr}; ${s.sla}
</#list>
</#if>
<#list sections as section>

${section.title}
<#if section.rows?has_content>
<#list section.rows as row>
- ${row.name}<#if row.value?has_content>: ${row.value}</#if>
</#list>
<#else>
None.
</#if>
</#list>
<#if report_url?has_content>

The full report: ${report_url}
</#if>
