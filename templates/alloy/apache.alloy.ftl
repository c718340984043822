<#-- Apache httpd through mod_status (`ExtendedStatus On`, /server-status reachable from localhost). -->
prometheus.exporter.apache "apache" {
  scrape_uri = "${(service.status_url)!"http://127.0.0.1/server-status?auto"}"
}
