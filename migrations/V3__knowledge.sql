-- Knowledge base (owned by iris.knowledge): documents in three collections, cut into
-- chunks that carry full-text vectors and, for the PostgreSQL vector store, embeddings.

CREATE TABLE knowledge_documents (
  id           bigserial PRIMARY KEY,
  collection   text        NOT NULL CHECK (collection IN ('runbooks', 'incidents', 'infrastructure')),
  title        text        NOT NULL,
  content      text        NOT NULL,
  tags         text[]      NOT NULL DEFAULT '{}',
  service      text,
  source       text,
  -- Set on documents learned from a resolved incident: one document per incident.
  incident_id  bigint      UNIQUE,
  content_hash text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX knowledge_documents_collection_id ON knowledge_documents (collection, id);

CREATE TABLE knowledge_chunks (
  id              bigserial PRIMARY KEY,
  document_id     bigint  NOT NULL REFERENCES knowledge_documents (id) ON DELETE CASCADE,
  collection      text    NOT NULL,
  ordinal         integer NOT NULL,
  heading         text    NOT NULL DEFAULT '',
  body            text    NOT NULL,
  search          tsvector NOT NULL,
  -- The vector itself is kept here only by the PostgreSQL vector store; the model that
  -- produced the chunk's current vector is recorded whichever store holds it.
  embedding       real[],
  embedding_model text,
  embedding_dim   integer
);
CREATE INDEX knowledge_chunks_document ON knowledge_chunks (document_id);
CREATE INDEX knowledge_chunks_search ON knowledge_chunks USING gin (search);
