-- An action no longer pursued is archived rather than deleted: it leaves the
-- live plan (lists, the dashboard, reports of moments after it was archived,
-- periods closed later) but keeps its updates, milestones and its place in
-- the periods already closed.
ALTER TABLE actions ADD COLUMN archived_at timestamptz;
