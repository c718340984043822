<#ftl output_format="HTML">
<#-- The HTML part of a notice email (an enrollment's outcome); notice.txt.ftl says the same.
     Data: subject, title, text, good (boolean), facts [{name, value}], link_title, link_url. -->
<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: sans-serif">
<h2 style="color: <#if good>#2e7d32<#else>#c62828</#if>">${title}</h2>
<#if text?has_content><p>${text}</p></#if>
<#if facts?has_content>
<table>
<#list facts as fact>
<tr><th style="text-align: left; padding-right: 1em">${fact.name}</th><td>${fact.value}</td></tr>
</#list>
</table>
</#if>
<#if link_url?has_content><p><a href="${link_url}">${link_title}</a></p></#if>
</body>
</html>
