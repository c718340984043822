<#ftl output_format="plainText">
<#-- The plain-text part of a notice email (an enrollment's outcome); notice.html.ftl says the same.
     Data: subject, title, text, good (boolean), facts [{name, value}], link_title, link_url. -->
${title}

<#if text?has_content>
${text}

</#if>
<#list facts as fact>
${fact.name}: ${fact.value}
</#list>
<#if link_url?has_content>

${link_title}: ${link_url}
</#if>
