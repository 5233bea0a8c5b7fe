-- Work to do after a change: an email to send, an event to deliver. A job
-- is written in the same transaction as the change that causes it, so it
-- exists exactly when the change does. Any instance's worker claims due
-- jobs with FOR UPDATE SKIP LOCKED, so each is worked by one at a time; a
-- claim is a lease, and a job whose lease ran out (its worker stopped
-- mid-way) is claimed again: delivery is at least once, and what is sent
-- carries the job's idempotency key so receivers can drop a repeat.
CREATE TABLE jobs (
    id               uuid PRIMARY KEY,
    kind             text NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
    payload          jsonb NOT NULL,
    -- Names the work itself: enqueuing the same work twice (two instances
    -- deciding the same reminder) stores one job.
    idempotency_key  text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 500),
    state            text NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'running', 'done', 'dead')),
    run_at           timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts     integer NOT NULL DEFAULT 10 CHECK (max_attempts >= 1),
    locked_by        text,
    locked_until     timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    CONSTRAINT jobs_running_is_leased CHECK ((state = 'running') = (locked_until IS NOT NULL))
);
-- What a worker polls: due jobs, and running ones whose lease ran out.
CREATE INDEX jobs_queued_idx ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_running_idx ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_state_idx ON jobs (state, created_at);
