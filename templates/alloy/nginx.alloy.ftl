<#-- nginx. Alloy (up to the pinned version) has no nginx exporter component, so this template
     tracks nginx's processes (CPU, memory, file descriptors, restarts) with the process
     exporter. For request metrics, enable stub_status, run nginx-prometheus-exporter and add a
     prometheus.scrape to this template (PUT /api/v1/alloy/templates/nginx). -->
prometheus.exporter.process "nginx" {
  track_children = true

  matcher {
    name = "nginx"
    comm = ["nginx"]
  }
}
