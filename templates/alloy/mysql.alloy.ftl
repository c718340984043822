<#-- MySQL / MariaDB. The DSN comes from the environment file (IRIS_MYSQL_DSN) so no password is
     written into config.alloy; by default a passwordless local account over the socket. -->
prometheus.exporter.mysql "mysql" {
  data_source_name = coalesce(sys.env("IRIS_MYSQL_DSN"), "alloy@unix(/run/mysqld/mysqld.sock)/")
}
