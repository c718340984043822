<#-- MongoDB. The URI comes from the environment file (IRIS_MONGODB_URI); by default localhost. -->
prometheus.exporter.mongodb "mongodb" {
  mongodb_uri = coalesce(sys.env("IRIS_MONGODB_URI"), "mongodb://127.0.0.1:27017")
}
