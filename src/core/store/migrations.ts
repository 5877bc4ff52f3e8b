/**
 * The schema, as an ordered list of migrations numbered by `PRAGMA user_version`. A migration
 * that has shipped never changes: later changes are new entries. The SQL is literal on purpose
 * (not built from TypeScript constants) so editing a type cannot silently rewrite history.
 */

export interface Migration {
  /** The user_version the database has once this migration is applied: 1, 2, 3, ... */
  version: number
  description: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'run journal and image layer cache',
    // STRICT tables reject a fractional byte count or a string where a number belongs.
    // owner_pid/owner_host name the process writing a run, so start-up recovery can tell a run
    // whose process died (interrupted) from one another live process is still writing.
    sql: `
      CREATE TABLE runs (
        id TEXT NOT NULL PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        trigger TEXT NOT NULL
          CHECK (trigger IN ('manual', 'tray', 'schedule', 'threshold', 'cli')),
        mode TEXT NOT NULL CHECK (mode IN ('safe', 'forced')),
        selection_json TEXT NOT NULL,
        engine_host TEXT NOT NULL,
        engine_id TEXT,
        status TEXT NOT NULL
          CHECK (status IN ('running', 'done', 'partial', 'failed', 'cancelled', 'interrupted')),
        predicted_bytes INTEGER NOT NULL CHECK (predicted_bytes >= 0),
        reclaimed_bytes INTEGER CHECK (reclaimed_bytes >= 0),
        item_count INTEGER NOT NULL CHECK (item_count >= 0),
        error TEXT,
        owner_pid INTEGER,
        owner_host TEXT
      ) STRICT;
      CREATE INDEX runs_by_started_at ON runs (started_at);
      CREATE INDEX runs_open ON runs (status) WHERE status = 'running';

      CREATE TABLE run_items (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL CHECK (seq >= 0),
        image_id TEXT NOT NULL,
        tags_json TEXT NOT NULL,
        digests_json TEXT NOT NULL,
        predicted_action TEXT NOT NULL
          CHECK (predicted_action IN ('delete', 'untag', 'blocked', 'keep')),
        predicted_bytes INTEGER NOT NULL CHECK (predicted_bytes >= 0),
        outcome TEXT CHECK (outcome IN ('deleted', 'untagged', 'skipped', 'failed')),
        reclaimed_bytes INTEGER CHECK (reclaimed_bytes >= 0),
        error TEXT,
        -- Set just before the item's first engine request: an item started but without an
        -- outcome after a crash is uncertain until it is checked against the engine.
        started_at TEXT,
        finished_at TEXT,
        PRIMARY KEY (run_id, seq)
      ) STRICT;

      CREATE TABLE image_layers (
        image_id TEXT NOT NULL PRIMARY KEY,
        layers_json TEXT NOT NULL,
        fetched_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'usage samples and roll-ups, image last use, settings, alerts',
    // Times are unix milliseconds here: the series queries range over them by the million.
    // WITHOUT ROWID keeps each sample in its primary-key b-tree: half the file, one lookup.
    sql: `
      CREATE TABLE usage_samples (
        host TEXT NOT NULL,
        at INTEGER NOT NULL,
        images_bytes INTEGER NOT NULL,
        containers_bytes INTEGER NOT NULL,
        volumes_bytes INTEGER NOT NULL,
        build_cache_bytes INTEGER NOT NULL,
        free_bytes INTEGER,
        total_bytes INTEGER,
        PRIMARY KEY (host, at)
      ) STRICT, WITHOUT ROWID;

      -- Sums of the raw samples per hour ('hour') or day ('day'), averaged when read; free_bytes
      -- is the minimum, so a roll-up never hides how close the disk came to full.
      CREATE TABLE usage_rollups (
        host TEXT NOT NULL,
        resolution TEXT NOT NULL CHECK (resolution IN ('hour', 'day')),
        bucket_start INTEGER NOT NULL,
        sample_count INTEGER NOT NULL CHECK (sample_count > 0),
        images_bytes_sum INTEGER NOT NULL,
        containers_bytes_sum INTEGER NOT NULL,
        volumes_bytes_sum INTEGER NOT NULL,
        build_cache_bytes_sum INTEGER NOT NULL,
        free_bytes_min INTEGER,
        total_bytes_last INTEGER,
        PRIMARY KEY (host, resolution, bucket_start)
      ) STRICT, WITHOUT ROWID;

      -- When a container (or a child image) last used an image, from the engine's events.
      CREATE TABLE image_last_used (
        host TEXT NOT NULL,
        image_id TEXT NOT NULL,
        last_used_at INTEGER NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (host, image_id)
      ) STRICT, WITHOUT ROWID;

      -- Where the event stream was read up to, per engine, so a restart resumes without a gap.
      CREATE TABLE event_cursors (
        host TEXT NOT NULL PRIMARY KEY,
        read_until INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE settings (
        key TEXT NOT NULL PRIMARY KEY,
        value_json TEXT NOT NULL
      ) STRICT;

      CREATE TABLE alerts (
        id TEXT NOT NULL PRIMARY KEY,
        host TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('free-space', 'docker-usage')),
        level TEXT NOT NULL CHECK (level IN ('warning', 'critical')),
        message TEXT NOT NULL,
        raised_at TEXT NOT NULL,
        cleared_at TEXT,
        free_bytes INTEGER,
        total_bytes INTEGER,
        docker_bytes INTEGER NOT NULL,
        reclaimable_bytes INTEGER,
        -- Whose thresholds raised it: 'settings' (the app, browser mode, plain drydock watch) or
        -- a drydock watch with its own --free-below/--usage-above, which must neither clear nor
        -- be cleared by checks against other thresholds.
        scope TEXT NOT NULL DEFAULT 'settings'
      ) STRICT;
      CREATE INDEX alerts_by_raised_at ON alerts (raised_at);

      -- run_items again, WITHOUT ROWID: items are only ever read by (run_id, seq), and keeping
      -- rows in that key's b-tree drops a whole index (~12% of a log with 100,000 items).
      CREATE TABLE run_items_by_key (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL CHECK (seq >= 0),
        image_id TEXT NOT NULL,
        tags_json TEXT NOT NULL,
        digests_json TEXT NOT NULL,
        predicted_action TEXT NOT NULL
          CHECK (predicted_action IN ('delete', 'untag', 'blocked', 'keep')),
        predicted_bytes INTEGER NOT NULL CHECK (predicted_bytes >= 0),
        outcome TEXT CHECK (outcome IN ('deleted', 'untagged', 'skipped', 'failed')),
        reclaimed_bytes INTEGER CHECK (reclaimed_bytes >= 0),
        error TEXT,
        started_at TEXT,
        finished_at TEXT,
        PRIMARY KEY (run_id, seq)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO run_items_by_key SELECT run_id, seq, image_id, tags_json, digests_json,
        predicted_action, predicted_bytes, outcome, reclaimed_bytes, error, started_at, finished_at
        FROM run_items;
      DROP TABLE run_items;
      ALTER TABLE run_items_by_key RENAME TO run_items;

      CREATE INDEX runs_by_trigger ON runs (trigger, started_at);
      CREATE INDEX runs_by_status ON runs (status, started_at);
    `,
  },
  {
    version: 3,
    description: 'run items of every kind: containers, volumes and build cache besides images',
    // An item is named by its kind and id (an image ID, a container ID, a volume name, a build
    // cache record ID) and a name people know it by.
    sql: `
      ALTER TABLE run_items RENAME COLUMN image_id TO item_id;
      ALTER TABLE run_items ADD COLUMN kind TEXT NOT NULL DEFAULT 'image'
        CHECK (kind IN ('image', 'container', 'volume', 'build-cache'));
      ALTER TABLE run_items ADD COLUMN name TEXT NOT NULL DEFAULT '';
      UPDATE run_items SET name = coalesce(json_extract(tags_json, '$[0]'), '') WHERE kind = 'image';
    `,
  },
  {
    version: 4,
    description: 'the last engine event seen, to tell when uses may have been missed',
    // The engine keeps its last 256 events and forgets them on restart: if the last event seen
    // is no longer in its buffer at the next catch-up, events in between may have been lost.
    sql: `ALTER TABLE event_cursors ADD COLUMN watermark_json TEXT;`,
  },
  {
    version: 5,
    description: 'automatic cleanups: each time one was due, what happened and why',
    // A run that started is in runs too (its run_id); one skipped or with nothing to do is only
    // here, so "why did the nightly cleanup not run" has an answer.
    sql: `
      CREATE TABLE automatic_runs (
        id TEXT NOT NULL PRIMARY KEY,
        at TEXT NOT NULL,
        trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'threshold')),
        outcome TEXT NOT NULL CHECK (outcome IN ('started', 'skipped', 'nothing-to-do', 'failed')),
        reason TEXT NOT NULL,
        run_id TEXT,
        engine_host TEXT NOT NULL
      ) STRICT;
      CREATE INDEX automatic_runs_by_at ON automatic_runs (at);
    `,
  },
  {
    version: 6,
    description: "filesystems a probe showed to be an engine's own: statfs here then needs none",
    // The key names the engine (address, ID, data root) and this machine's view of that path
    // (device, type, size, inodes): any change in them, or age, and the next process probes again.
    sql: `CREATE TABLE disk_verdicts (key TEXT NOT NULL PRIMARY KEY, checked_at TEXT NOT NULL) STRICT;`,
  },
]

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length
