-- medkiosk county hub, part 1: roles, tables, row-level security.
-- Safe to run again: every statement is idempotent. Applied by `medkioskctl hub init` or
-- `psql -v ON_ERROR_STOP=1 -f 01_schema.sql -f 02_functions.sql -f 03_reports.sql`.
--
-- Every kiosk-written table leads its primary key with kiosk_id, so each one can be hash-partitioned
-- (or distributed with Citus) on kiosk_id without changing a key, a query or a kiosk.

DO $roles$
BEGIN
    -- Group roles are cluster-wide; a kiosk's own login role is made by hub.add_kiosk().
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'medkiosk_kiosk') THEN
        CREATE ROLE medkiosk_kiosk NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'medkiosk_report') THEN
        CREATE ROLE medkiosk_report NOLOGIN;
    END IF;
END
$roles$;

-- Kiosk and report logins create nothing, anywhere. PUBLIC holds TEMPORARY on every new database, and a
-- login that can create in pg_temp can shadow a type or relation a SECURITY DEFINER function names and
-- run its own code as the hub's owner (issue 12). A database's own privileges are not carried by
-- CREATE DATABASE ... TEMPLATE nor by pg_restore into a new database: run hub init again after either
-- (hub.add_kiosk refuses until then). Checked at the end of this file.
DO $lockdown$
BEGIN
    EXECUTE format('REVOKE TEMPORARY, CREATE ON DATABASE %I FROM PUBLIC', current_database());
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public') THEN
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    END IF;
    -- Large objects belong to no schema: any login may create them (and fill the disk) unless these
    -- are revoked. Function privileges are per database, so this touches only the hub's. Only a
    -- superuser may revoke them (they belong to the bootstrap superuser); checked at the end.
    REVOKE EXECUTE ON FUNCTION pg_catalog.lo_creat(pg_catalog.int4), pg_catalog.lo_create(pg_catalog.oid),
        pg_catalog.lo_from_bytea(pg_catalog.oid, pg_catalog.bytea), pg_catalog.lo_import(pg_catalog.text),
        pg_catalog.lo_import(pg_catalog.text, pg_catalog.oid), pg_catalog.lo_open(pg_catalog.oid, pg_catalog.int4),
        pg_catalog.lo_put(pg_catalog.oid, pg_catalog.int8, pg_catalog.bytea) FROM PUBLIC;
END
$lockdown$;

CREATE SCHEMA IF NOT EXISTS hub;
REVOKE ALL ON SCHEMA hub FROM PUBLIC;
GRANT USAGE ON SCHEMA hub TO medkiosk_kiosk, medkiosk_report;

-- Change cursor for the reference data the kiosks pull (catalogue, rules, recalls, drives).
CREATE SEQUENCE IF NOT EXISTS hub.change_seq;

CREATE TABLE IF NOT EXISTS hub.kiosk (
    kiosk_id      text PRIMARY KEY CHECK (kiosk_id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    role_name     text NOT NULL UNIQUE,
    public_key    text CHECK (public_key ~ '^[0-9a-f]{64}$'),  -- Ed25519, hex; first sync registers it
    location      text,
    registered_at timestamptz NOT NULL DEFAULT now()
);

-- The idempotency ledger: one row per record a kiosk ever delivered, whatever its kind.
CREATE TABLE IF NOT EXISTS hub.ingest_record (
    kiosk_id     text NOT NULL,
    record_id    text NOT NULL,
    entity       text NOT NULL,
    payload_hash bytea NOT NULL,          -- sha256 of the payload text exactly as the kiosk sent it
    received_at  timestamptz NOT NULL DEFAULT now(),
    source       text NOT NULL CHECK (source IN ('sync', 'bundle')),
    PRIMARY KEY (kiosk_id, record_id)
);

-- A donation session is keyed by its UUID, which the kiosk derives from its ledger's random instance
-- id and the session's random receipt code: a recreated ledger, or a backup restored over a newer one,
-- numbers its sessions from 1 again, and those numbers must never meet the sessions the hub holds
-- (issue 12: a new donor's packs were attached to the first donor's receipt). Sessions from kiosks
-- older than that are `legacy`: keyed by number, as they always were, with a UUID the hub made up.
CREATE TABLE IF NOT EXISTS hub.session (
    kiosk_id     text NOT NULL,
    session_uuid uuid NOT NULL,
    session_id   bigint NOT NULL,          -- the ledger's own number: shown, never a key
    instance_id  uuid,                     -- the kiosk ledger's instance; NULL for legacy sessions
    legacy       boolean NOT NULL DEFAULT false,
    receipt_code text NOT NULL,
    started_at   timestamptz NOT NULL,
    PRIMARY KEY (kiosk_id, session_uuid)
);
DO $session_key$
BEGIN
    -- Hubs created before: sessions keyed (kiosk_id, session_id). Theirs become legacy rows.
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid = 'hub.session'::pg_catalog.regclass
                   AND attname = 'session_uuid' AND NOT attisdropped) THEN
        ALTER TABLE hub.session ADD COLUMN legacy boolean NOT NULL DEFAULT true;
        ALTER TABLE hub.session ALTER COLUMN legacy SET DEFAULT false;
        ALTER TABLE hub.session ADD COLUMN instance_id uuid;
        ALTER TABLE hub.session ADD COLUMN session_uuid uuid NOT NULL DEFAULT gen_random_uuid();
        ALTER TABLE hub.session ALTER COLUMN session_uuid DROP DEFAULT;
        ALTER TABLE hub.session DROP CONSTRAINT session_pkey;
        ALTER TABLE hub.session ADD PRIMARY KEY (kiosk_id, session_uuid);
    END IF;
END
$session_key$;
-- A legacy kiosk's session numbers stay unique per kiosk, as before.
CREATE UNIQUE INDEX IF NOT EXISTS session_legacy_number ON hub.session (kiosk_id, session_id) WHERE legacy;
CREATE INDEX IF NOT EXISTS session_by_receipt ON hub.session (receipt_code);

-- Receipt codes are unique in the whole county: one row per code, written with its session, so a second
-- session with the same code — from any kiosk — is refused, and a code leads to one donation only.
-- (Keyed by code, not kiosk_id: with Citus, distribute it on `code`.)
CREATE TABLE IF NOT EXISTS hub.receipt_code (
    code         text PRIMARY KEY,
    kiosk_id     text NOT NULL,
    session_uuid uuid NOT NULL
);
-- Hubs created before: the first session that used each code keeps it.
INSERT INTO hub.receipt_code (code, kiosk_id, session_uuid)
    SELECT DISTINCT ON (receipt_code) receipt_code, kiosk_id, session_uuid FROM hub.session
    ORDER BY receipt_code, started_at, kiosk_id
ON CONFLICT (code) DO NOTHING;

CREATE TABLE IF NOT EXISTS hub.dropoff (
    kiosk_id         text NOT NULL,
    uuid             uuid NOT NULL,
    session_id       bigint NOT NULL,
    recorded_at      timestamptz NOT NULL,
    sequence         bigint NOT NULL,
    scheme           text NOT NULL,
    gtin             text CHECK (gtin ~ '^[0-9]{14}$'),
    product_id       text,
    batch            text,
    expiry           date,
    expiry_precision text CHECK (expiry_precision IN ('day', 'month')),
    serial_hash      text,
    quantity         integer NOT NULL CHECK (quantity > 0),
    condition        text NOT NULL CHECK (condition IN ('sealed', 'opened-usable')),
    decision         text NOT NULL CHECK (decision IN ('accept', 'refuse', 'review')),
    reason           text NOT NULL,
    review_state     text NOT NULL,
    expiry_source    text CHECK (expiry_source IN ('code', 'ocr-confirmed', 'picker', 'unknown')),
    PRIMARY KEY (kiosk_id, uuid)
);
-- The donation session by its UUID (ledgers with an instance); NULL for drop-offs of legacy sessions,
-- linked by session number.
ALTER TABLE hub.dropoff ADD COLUMN IF NOT EXISTS session_uuid uuid;
-- Hubs created before kiosks sent where the expiry came from (issue 8). Rows from those kiosks, and
-- from kiosks not yet upgraded, keep NULL: their payloads do not carry the field.
ALTER TABLE hub.dropoff ADD COLUMN IF NOT EXISTS expiry_source text
    CHECK (expiry_source IN ('code', 'ocr-confirmed', 'picker', 'unknown'));
CREATE INDEX IF NOT EXISTS dropoff_by_time ON hub.dropoff (recorded_at);
-- A receipt's drop-offs: by session UUID, or by number for legacy sessions.
CREATE INDEX IF NOT EXISTS dropoff_by_session ON hub.dropoff (kiosk_id, session_uuid) WHERE session_uuid IS NOT NULL;
CREATE INDEX IF NOT EXISTS dropoff_by_legacy_session ON hub.dropoff (kiosk_id, session_id) WHERE session_uuid IS NULL;
CREATE INDEX IF NOT EXISTS dropoff_by_serial_hash ON hub.dropoff (serial_hash) WHERE serial_hash IS NOT NULL;

-- Staff actions. Their exact fields belong to the kiosk's staff flows; the hub keeps the keys it
-- reports on as columns and the rest as the payload.
CREATE TABLE IF NOT EXISTS hub.review_action (
    kiosk_id    text NOT NULL,
    uuid        uuid NOT NULL,
    dropoff_uuid uuid,
    action      text NOT NULL,
    category    text,
    acted_at    timestamptz NOT NULL,
    payload     jsonb NOT NULL,
    PRIMARY KEY (kiosk_id, uuid)
);

CREATE TABLE IF NOT EXISTS hub.dispatch (
    kiosk_id      text NOT NULL,
    uuid          uuid NOT NULL,
    clinic        text NOT NULL,
    dispatched_at timestamptz NOT NULL,
    item_count    integer NOT NULL CHECK (item_count >= 0),
    payload       jsonb NOT NULL,
    PRIMARY KEY (kiosk_id, uuid)
);

-- What each dispatch held: which drop-offs, how many packs of each. Filled by ingest from the
-- dispatch's "items"; the report counts dispatched packs per clinic from here.
CREATE TABLE IF NOT EXISTS hub.dispatch_item (
    kiosk_id      text NOT NULL,
    dispatch_uuid uuid NOT NULL,
    dropoff_uuid  uuid NOT NULL,
    quantity      integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (kiosk_id, dispatch_uuid, dropoff_uuid)
);
-- The receipt lookup finds a drop-off's latest review and its dispatch by these.
CREATE INDEX IF NOT EXISTS dispatch_item_by_dropoff ON hub.dispatch_item (kiosk_id, dropoff_uuid);
CREATE INDEX IF NOT EXISTS review_action_by_dropoff ON hub.review_action (kiosk_id, dropoff_uuid);

CREATE TABLE IF NOT EXISTS hub.heartbeat (
    kiosk_id              text NOT NULL,
    received_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    kiosk_time            timestamptz,
    version               text,
    backlog               bigint,
    oldest_unsynced_age_s bigint,
    disk_free_bytes       bigint,
    clock_skew_ms         bigint,
    decode_stats          jsonb,
    audit_head            text,
    ledger_instance       text,
    PRIMARY KEY (kiosk_id, received_at)
);
-- Which ledger instance the kiosk runs on: a change means its ledger was replaced.
ALTER TABLE hub.heartbeat ADD COLUMN IF NOT EXISTS ledger_instance text;

-- County-wide reference data, written by the bureau; kiosks pull changes by change_seq. Rows are
-- retired with deleted = true, never removed, so a pulling kiosk sees the retirement.
CREATE TABLE IF NOT EXISTS hub.catalogue (
    gtin       text PRIMARY KEY CHECK (gtin ~ '^[0-9]{14}$'),
    name       text NOT NULL,
    category   text NOT NULL,
    attributes jsonb NOT NULL DEFAULT '{}',
    deleted    boolean NOT NULL DEFAULT false,
    change_seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS hub.rule (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    change_seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS hub.recall (
    id         text PRIMARY KEY,
    gtin       text,
    batch      text,
    reason     text NOT NULL,
    issued_at  date NOT NULL DEFAULT current_date,
    deleted    boolean NOT NULL DEFAULT false,
    change_seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS hub.drive (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    starts_on  date NOT NULL,
    ends_on    date NOT NULL,
    settings   jsonb NOT NULL DEFAULT '{}',
    deleted    boolean NOT NULL DEFAULT false,
    change_seq bigint NOT NULL DEFAULT 0
);

CREATE OR REPLACE FUNCTION hub.stamp_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, hub, pg_temp AS $$
BEGIN
    NEW.change_seq := nextval('hub.change_seq');
    RETURN NEW;
END $$;

DO $triggers$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['catalogue', 'rule', 'recall', 'drive'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS stamp_change ON hub.%I', t);
        EXECUTE format('CREATE TRIGGER stamp_change BEFORE INSERT OR UPDATE ON hub.%I '
                       'FOR EACH ROW EXECUTE FUNCTION hub.stamp_change()', t);
    END LOOP;
END
$triggers$;

-- Kiosks hold no table privilege at all: everything goes through SECURITY DEFINER functions and the
-- feed views. Row-level security is the second wall: should a grant ever be added by mistake, a kiosk
-- still sees and writes only rows carrying its own kiosk_id.
CREATE OR REPLACE FUNCTION hub.session_kiosk() RETURNS pg_catalog.text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
    SELECT kiosk_id FROM hub.kiosk WHERE role_name = session_user
$$;

DO $rls$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ingest_record', 'session', 'receipt_code', 'dropoff', 'review_action', 'dispatch',
                             'dispatch_item', 'heartbeat']
    LOOP
        EXECUTE format('REVOKE ALL ON hub.%I FROM PUBLIC', t);
        EXECUTE format('ALTER TABLE hub.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS own_rows ON hub.%I', t);
        EXECUTE format('CREATE POLICY own_rows ON hub.%I TO medkiosk_kiosk '
                       'USING (kiosk_id = hub.session_kiosk()) WITH CHECK (kiosk_id = hub.session_kiosk())', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['kiosk', 'catalogue', 'rule', 'recall', 'drive'] LOOP
        EXECUTE format('REVOKE ALL ON hub.%I FROM PUBLIC', t);
    END LOOP;
END
$rls$;

-- The lockdown held: neither group may create anything in this database (a REVOKE by a role that is
-- neither the database's owner nor a superuser only warns, so check).
DO $check_lockdown$
DECLARE
    grp     pg_catalog.text;
    schemas pg_catalog.text;
BEGIN
    FOREACH grp IN ARRAY ARRAY['medkiosk_kiosk', 'medkiosk_report'] LOOP
        IF has_database_privilege(grp, current_database(), 'TEMPORARY, CREATE') THEN
            RAISE EXCEPTION '% may still create objects in database % (TEMPORARY or CREATE): apply the hub schema '
                            'as the database owner or a superuser', grp, current_database()
                USING ERRCODE = '42501';
        END IF;
        SELECT string_agg(nspname, ', ') INTO schemas FROM pg_catalog.pg_namespace
            WHERE has_schema_privilege(grp, oid, 'CREATE');
        IF schemas IS NOT NULL THEN
            RAISE EXCEPTION '% may create objects in schema %: REVOKE CREATE ON SCHEMA ... FROM it (and PUBLIC)',
                            grp, schemas USING ERRCODE = '42501';
        END IF;
        IF has_function_privilege(grp, 'pg_catalog.lo_create(pg_catalog.oid)', 'EXECUTE') THEN
            RAISE WARNING '% may still create large objects in database %: apply the hub schema once as a '
                          'superuser (postgres) to revoke lo_create and its kin from PUBLIC', grp, current_database();
        END IF;
    END LOOP;
END
$check_lockdown$;
