-- 0004: the knowledge base. Articles in a category tree, with a search index of CJK n-gram
-- tokens (computed in C++, see src/search/cjk_tokens.h) that both databases index verbatim:
-- SQLite through an FTS5 table over kb_search, PostgreSQL through a 'simple' tsvector with a
-- GIN index. Lines between "-- @sqlite" / "-- @postgres" and "-- @end" run on that database only.

CREATE TABLE kb_categories (
  id         ID_PK,
  parent_id  BIGINT REFERENCES kb_categories(id),
  name       TEXT NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX kb_categories_parent ON kb_categories(parent_id);
CREATE UNIQUE INDEX kb_categories_name ON kb_categories(COALESCE(parent_id, 0), name);

CREATE TABLE kb_articles (
  id           ID_PK,
  title        TEXT NOT NULL,
  body         TEXT NOT NULL DEFAULT '',              -- HTML or Markdown; images by URL
  body_format  TEXT NOT NULL DEFAULT 'markdown',      -- markdown | html
  category_id  BIGINT NOT NULL REFERENCES kb_categories(id),
  tags         TEXT NOT NULL DEFAULT '',              -- comma-separated
  region_code  TEXT REFERENCES regions(code),         -- NULL: applies province-wide
  valid_from   BIGINT,                                -- NULL: since ever
  valid_to     BIGINT,                                -- NULL: no end; exclusive
  author_id    BIGINT REFERENCES users(id) ON DELETE SET NULL,
  state        TEXT NOT NULL DEFAULT 'draft',         -- draft | published | archived
  published_at BIGINT,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);
CREATE INDEX kb_articles_category ON kb_articles(category_id);
CREATE INDEX kb_articles_state ON kb_articles(state, updated_at);

-- One row per article: the tokens of its title, tags and body.
CREATE TABLE kb_search (
  article_id  BIGINT PRIMARY KEY REFERENCES kb_articles(id) ON DELETE CASCADE,
  title_tokens TEXT NOT NULL,
  tags_tokens  TEXT NOT NULL,
  body_tokens  TEXT NOT NULL
);

-- @sqlite
-- External-content FTS5 index over kb_search; the 'ascii' tokenizer splits on the spaces the
-- tokens are joined with and keeps every CJK character inside its token.
CREATE VIRTUAL TABLE kb_fts USING fts5(title_tokens, tags_tokens, body_tokens,
  content='kb_search', content_rowid='article_id', tokenize='ascii', detail='column');
CREATE TRIGGER kb_search_ai AFTER INSERT ON kb_search BEGIN
  INSERT INTO kb_fts(rowid, title_tokens, tags_tokens, body_tokens)
  VALUES (new.article_id, new.title_tokens, new.tags_tokens, new.body_tokens);
END;
CREATE TRIGGER kb_search_ad AFTER DELETE ON kb_search BEGIN
  INSERT INTO kb_fts(kb_fts, rowid, title_tokens, tags_tokens, body_tokens)
  VALUES ('delete', old.article_id, old.title_tokens, old.tags_tokens, old.body_tokens);
END;
CREATE TRIGGER kb_search_au AFTER UPDATE ON kb_search BEGIN
  INSERT INTO kb_fts(kb_fts, rowid, title_tokens, tags_tokens, body_tokens)
  VALUES ('delete', old.article_id, old.title_tokens, old.tags_tokens, old.body_tokens);
  INSERT INTO kb_fts(rowid, title_tokens, tags_tokens, body_tokens)
  VALUES (new.article_id, new.title_tokens, new.tags_tokens, new.body_tokens);
END;
-- @end

-- @postgres
-- Title weighs A, tags B, body D for ts_rank.
ALTER TABLE kb_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', title_tokens), 'A') ||
  setweight(to_tsvector('simple', tags_tokens), 'B') ||
  setweight(to_tsvector('simple', body_tokens), 'D')) STORED;
CREATE INDEX kb_search_tsv ON kb_search USING GIN (tsv);
-- @end
