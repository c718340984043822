-- Who wrote a deployment's change summary: the LLM (with its model) or the template (with why,
-- when the LLM was configured and failed), as enrichments record it.
ALTER TABLE deployments
  ADD COLUMN summary_generated_by    text NOT NULL DEFAULT 'template' CHECK (summary_generated_by IN ('llm', 'template')),
  ADD COLUMN summary_model           text,
  ADD COLUMN summary_fallback_reason text;
