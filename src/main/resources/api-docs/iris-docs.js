// The document comes from this Iris (never from the internet); "Authorize" takes an API key
// for trying calls, and keeps it only in this page.
window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false
});
