-- The HMAC key of user_key (exposure_events, interaction_events and the recent-history index),
-- generated once by the first instance that needs it and then used by every instance and
-- `import`, so that users' history, events and exposures join across instances and restarts
-- (issue 26). RECSYS_USER_KEY_SECRET overrides it; rotation: README, "User-key secret".
-- Never granted to recsys_reader.
CREATE TABLE instance_secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL CHECK (length(value) >= 16),
  created_at timestamptz NOT NULL DEFAULT now()
);
