<#-- Alloy has no nginx exporter component: its OpenTelemetry nginx receiver reads stub_status
     and the metrics are pushed to Prometheus's remote-write receiver. -->
// nginx: needs `stub_status` at ${(service.status_url)!"http://127.0.0.1/nginx_status"}
otelcol.receiver.nginx "nginx" {
  endpoint            = "${(service.status_url)!"http://127.0.0.1/nginx_status"}"
  collection_interval = "30s"

  output {
    metrics = [otelcol.exporter.prometheus.nginx.input]
  }
}

otelcol.exporter.prometheus "nginx" {
  forward_to = [prometheus.relabel.nginx.receiver]
}

prometheus.relabel "nginx" {
  forward_to = [prometheus.remote_write.iris.receiver]

  rule {
    target_label = "hostname"
    replacement  = "${host.hostname}"
  }
  rule {
    target_label = "environment"
    replacement  = "${host.environment}"
  }
  rule {
    target_label = "service_type"
    replacement  = "nginx"
  }
}
<#if prometheus.remote_write_url?has_content>

prometheus.remote_write "iris" {
  endpoint {
    url = "${prometheus.remote_write_url}"
  }
}
</#if>
