<#-- PostgreSQL. The connection string comes from the environment file (IRIS_POSTGRES_DSN);
     by default a local `alloy` role over the Unix socket (peer authentication). -->
prometheus.exporter.postgres "postgresql" {
  data_source_names = [coalesce(sys.env("IRIS_POSTGRES_DSN"), "postgresql://alloy@:5432/postgres?host=/var/run/postgresql&sslmode=disable")]
}
