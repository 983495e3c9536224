-- The inbox reads an organization's tasks oldest change first (`tasks.since` is the case's
-- `updated_at`), a page at a time: an index in that order turns the sort of every open task
-- into a range scan of the page.
CREATE INDEX tasks_org_since ON tasks(org, since, case_id);
