-- The hub's SQL as it was before issue 17 (main at bb1620f): parts 1-3, for the migration test.
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

CREATE TABLE IF NOT EXISTS hub.session (
    kiosk_id     text NOT NULL,
    session_id   bigint NOT NULL,
    receipt_code text NOT NULL,
    started_at   timestamptz NOT NULL,
    PRIMARY KEY (kiosk_id, session_id)
);
CREATE INDEX IF NOT EXISTS session_by_receipt ON hub.session (receipt_code);

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
-- Hubs created before kiosks sent where the expiry came from (issue 8). Rows from those kiosks, and
-- from kiosks not yet upgraded, keep NULL: their payloads do not carry the field.
ALTER TABLE hub.dropoff ADD COLUMN IF NOT EXISTS expiry_source text
    CHECK (expiry_source IN ('code', 'ocr-confirmed', 'picker', 'unknown'));
CREATE INDEX IF NOT EXISTS dropoff_by_time ON hub.dropoff (recorded_at);
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
    PRIMARY KEY (kiosk_id, received_at)
);

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

CREATE OR REPLACE FUNCTION hub.stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION hub.session_kiosk() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hub AS $$
    SELECT kiosk_id FROM hub.kiosk WHERE role_name = session_user
$$;

DO $rls$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ingest_record', 'session', 'dropoff', 'review_action', 'dispatch', 'dispatch_item',
                             'heartbeat']
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
-- medkiosk county hub, part 2: the only doors a kiosk has (ingest, heartbeat, key registration) and
-- the administrator's functions (add a kiosk, import a verified bundle).
-- Every function runs with a fixed search_path so a caller cannot shadow hub objects.

-- Loads a batch for kiosk `k`, one record at a time, each in its own subtransaction. Each element:
-- {"entity": "...", "id": "...", "payload": "<json text>"}. Answers per record: inserted, duplicate
-- (same id, same payload hash), mismatch (same id, other payload) or invalid (with the reason). Never
-- raises for a bad record, so one poison record cannot block the rest of a batch.
CREATE OR REPLACE FUNCTION hub.ingest_each(k text, batch jsonb, src text)
    RETURNS TABLE (rec_id text, outcome text, detail text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub AS $$
DECLARE
    item     jsonb;
    ent      text;
    ptext    text;
    p        jsonb;
    h        bytea;
    existing bytea;
BEGIN
    IF jsonb_typeof(batch) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'ingest expects a JSON array of records' USING ERRCODE = '22023';
    END IF;
    FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP
        rec_id := item->>'id';
        ent := item->>'entity';
        ptext := item->>'payload';
        detail := NULL;
        IF rec_id IS NULL OR ent IS NULL OR ptext IS NULL THEN
            rec_id := coalesce(rec_id, '');
            outcome := 'invalid';
            detail := 'record lacks id, entity or payload';
            RETURN NEXT;
            CONTINUE;
        END IF;
        h := sha256(convert_to(ptext, 'UTF8'));
        SELECT payload_hash INTO existing FROM hub.ingest_record r WHERE r.kiosk_id = k AND r.record_id = rec_id;
        IF FOUND THEN
            outcome := CASE WHEN existing = h THEN 'duplicate' ELSE 'mismatch' END;
            RETURN NEXT;
            CONTINUE;
        END IF;
        BEGIN
            p := ptext::jsonb;
            IF jsonb_typeof(p) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload is not a JSON object';
            END IF;
            IF p ? 'kiosk_id' AND p->>'kiosk_id' IS DISTINCT FROM k THEN
                RAISE EXCEPTION 'payload says kiosk %, but it came from kiosk %', p->>'kiosk_id', k;
            END IF;
            INSERT INTO hub.ingest_record (kiosk_id, record_id, entity, payload_hash, source)
                VALUES (k, rec_id, ent, h, src);
            IF ent IN ('dropoff', 'review_action', 'dispatch') AND p->>'uuid' IS DISTINCT FROM rec_id THEN
                RAISE EXCEPTION '% id % does not match its payload uuid %', ent, rec_id, p->>'uuid';
            END IF;
            IF ent = 'dropoff' THEN
                INSERT INTO hub.dropoff (kiosk_id, uuid, session_id, recorded_at, sequence, scheme, gtin,
                        product_id, batch, expiry, expiry_precision, serial_hash, quantity, condition,
                        decision, reason, review_state, expiry_source)
                VALUES (k, (p->>'uuid')::uuid, (p->>'session_id')::bigint, (p->>'recorded_at')::timestamptz,
                        (p->>'sequence')::bigint, p->>'scheme', nullif(p->>'gtin', ''),
                        nullif(p->>'product_id', ''), nullif(p->>'batch', ''),
                        nullif(p->>'expiry', '')::date, nullif(p->>'expiry_precision', ''),
                        nullif(p->>'serial_hash', ''), (p->>'quantity')::integer, p->>'condition',
                        p->>'decision', p->>'reason', coalesce(p->>'review_state', 'pending'),
                        nullif(p->>'expiry_source', ''));
            ELSIF ent = 'session' THEN
                INSERT INTO hub.session (kiosk_id, session_id, receipt_code, started_at)
                VALUES (k, (p->>'session_id')::bigint, p->>'receipt_code', (p->>'started_at')::timestamptz);
            ELSIF ent = 'review_action' THEN
                INSERT INTO hub.review_action (kiosk_id, uuid, dropoff_uuid, action, category, acted_at, payload)
                VALUES (k, rec_id::uuid, (p->>'dropoff_uuid')::uuid, p->>'action', p->>'category',
                        coalesce(p->>'acted_at', p->>'at')::timestamptz, p);
            ELSIF ent = 'dispatch' THEN
                INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload)
                VALUES (k, rec_id::uuid, p->>'clinic', (p->>'dispatched_at')::timestamptz,
                        coalesce(jsonb_array_length(p->'items'), (p->>'item_count')::integer, 0), p);
                INSERT INTO hub.dispatch_item (kiosk_id, dispatch_uuid, dropoff_uuid, quantity)
                SELECT k, rec_id::uuid, (i->>'dropoff_uuid')::uuid, (i->>'quantity')::integer
                FROM jsonb_array_elements(coalesce(p->'items', '[]')) AS i;
            ELSE
                RAISE EXCEPTION 'unknown record kind "%"', ent;
            END IF;
            outcome := 'inserted';
            RETURN NEXT;
        EXCEPTION
            WHEN unique_violation THEN
                -- Another delivery of the same record (a bundle import beside a live sync) won the race.
                SELECT payload_hash INTO existing FROM hub.ingest_record r
                    WHERE r.kiosk_id = k AND r.record_id = rec_id;
                outcome := CASE WHEN existing = h THEN 'duplicate' ELSE 'mismatch' END;
                detail := NULL;
                RETURN NEXT;
            WHEN OTHERS THEN
                outcome := 'invalid';
                detail := SQLERRM;
                RETURN NEXT;
        END;
    END LOOP;
END $$;

-- The same answers as ingest_each, set-based: a whole batch in a handful of statements. When any
-- record in the batch is bad (or a concurrent delivery races it), the batch falls back to ingest_each,
-- which isolates the bad record.
CREATE OR REPLACE FUNCTION hub.ingest_for(k text, batch jsonb, src text)
    RETURNS TABLE (rec_id text, outcome text, detail text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub AS $$
DECLARE
    answer jsonb;
    bad_count bigint;
    written bigint;
BEGIN
    IF jsonb_typeof(batch) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'ingest expects a JSON array of records' USING ERRCODE = '22023';
    END IF;
    BEGIN
        WITH input AS (
            SELECT e.ord, e.value->>'id' AS id, e.value->>'entity' AS entity, e.value->>'payload' AS ptext
            FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(value, ord)
        ), parsed AS (
            SELECT i.*, sha256(convert_to(i.ptext, 'UTF8')) AS h, i.ptext::jsonb AS p FROM input i
        ), known AS (
            SELECT x.*, r.payload_hash AS existing
            FROM parsed x LEFT JOIN hub.ingest_record r ON r.kiosk_id = k AND r.record_id = x.id
        ), fresh AS (
            SELECT * FROM known WHERE existing IS NULL
        ), checked AS (
            SELECT count(*) FILTER (WHERE id IS NULL OR jsonb_typeof(p) IS DISTINCT FROM 'object'
                                       OR entity NOT IN ('dropoff', 'session', 'review_action', 'dispatch')
                                       OR (p ? 'kiosk_id' AND p->>'kiosk_id' IS DISTINCT FROM k)
                                       OR (entity IN ('dropoff', 'review_action', 'dispatch')
                                           AND p->>'uuid' IS DISTINCT FROM id)) AS bad
            FROM fresh
        ), ins_record AS (
            INSERT INTO hub.ingest_record (kiosk_id, record_id, entity, payload_hash, source)
            SELECT k, id, entity, h, src FROM fresh RETURNING 1
        ), ins_dropoff AS (
            INSERT INTO hub.dropoff (kiosk_id, uuid, session_id, recorded_at, sequence, scheme, gtin,
                    product_id, batch, expiry, expiry_precision, serial_hash, quantity, condition,
                    decision, reason, review_state, expiry_source)
            SELECT k, (p->>'uuid')::uuid, (p->>'session_id')::bigint, (p->>'recorded_at')::timestamptz,
                   (p->>'sequence')::bigint, p->>'scheme', nullif(p->>'gtin', ''),
                   nullif(p->>'product_id', ''), nullif(p->>'batch', ''),
                   nullif(p->>'expiry', '')::date, nullif(p->>'expiry_precision', ''),
                   nullif(p->>'serial_hash', ''), (p->>'quantity')::integer, p->>'condition',
                   p->>'decision', p->>'reason', coalesce(p->>'review_state', 'pending'),
                   nullif(p->>'expiry_source', '')
            FROM fresh WHERE entity = 'dropoff' RETURNING 1
        ), ins_session AS (
            INSERT INTO hub.session (kiosk_id, session_id, receipt_code, started_at)
            SELECT k, (p->>'session_id')::bigint, p->>'receipt_code', (p->>'started_at')::timestamptz
            FROM fresh WHERE entity = 'session' RETURNING 1
        ), ins_review AS (
            INSERT INTO hub.review_action (kiosk_id, uuid, dropoff_uuid, action, category, acted_at, payload)
            SELECT k, id::uuid, (p->>'dropoff_uuid')::uuid, p->>'action', p->>'category',
                   coalesce(p->>'acted_at', p->>'at')::timestamptz, p
            FROM fresh WHERE entity = 'review_action' RETURNING 1
        ), ins_dispatch AS (
            INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload)
            SELECT k, id::uuid, p->>'clinic', (p->>'dispatched_at')::timestamptz,
                   coalesce(jsonb_array_length(p->'items'), (p->>'item_count')::integer, 0), p
            FROM fresh WHERE entity = 'dispatch' RETURNING 1
        ), ins_dispatch_item AS (
            INSERT INTO hub.dispatch_item (kiosk_id, dispatch_uuid, dropoff_uuid, quantity)
            SELECT k, id::uuid, (i->>'dropoff_uuid')::uuid, (i->>'quantity')::integer
            FROM fresh, jsonb_array_elements(coalesce(p->'items', '[]')) AS i
            WHERE entity = 'dispatch' RETURNING 1
        )
        SELECT (SELECT bad FROM checked),
               (SELECT count(*) FROM ins_record) + (SELECT count(*) FROM ins_dropoff)
                   + (SELECT count(*) FROM ins_session) + (SELECT count(*) FROM ins_review)
                   + (SELECT count(*) FROM ins_dispatch) + (SELECT count(*) FROM ins_dispatch_item),
               coalesce(jsonb_agg(jsonb_build_array(id,
                   CASE WHEN existing IS NULL THEN 'inserted'
                        WHEN existing = h THEN 'duplicate' ELSE 'mismatch' END) ORDER BY ord), '[]')
        INTO bad_count, written, answer
        FROM known;
        IF bad_count > 0 THEN
            RAISE EXCEPTION 'batch holds % bad record(s)', bad_count;  -- undoes the inserts above
        END IF;
    EXCEPTION WHEN OTHERS THEN
        answer := NULL;
    END;
    IF answer IS NULL THEN
        RETURN QUERY SELECT * FROM hub.ingest_each(k, batch, src);
        RETURN;
    END IF;
    RETURN QUERY SELECT a->>0, a->>1, NULL::text FROM jsonb_array_elements(answer) AS a;
END $$;

-- The kiosk's upload door: the kiosk is whoever logged in, never a parameter.
CREATE OR REPLACE FUNCTION hub.ingest(batch jsonb)
    RETURNS TABLE (rec_id text, outcome text, detail text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub AS $$
DECLARE k text := hub.session_kiosk();
BEGIN
    IF k IS NULL THEN
        RAISE EXCEPTION 'role "%" is not a registered kiosk; register it with medkioskctl hub add-kiosk', session_user
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY SELECT * FROM hub.ingest_for(k, batch, 'sync');
END $$;

-- Records the kiosk's state and answers with the hub's clock, from which the kiosk measures skew.
CREATE OR REPLACE FUNCTION hub.heartbeat(body jsonb) RETURNS timestamptz
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub AS $$
DECLARE
    k text := hub.session_kiosk();
    at timestamptz := clock_timestamp();
BEGIN
    IF k IS NULL THEN
        RAISE EXCEPTION 'role "%" is not a registered kiosk', session_user USING ERRCODE = '42501';
    END IF;
    INSERT INTO hub.heartbeat (kiosk_id, received_at, kiosk_time, version, backlog, oldest_unsynced_age_s,
            disk_free_bytes, clock_skew_ms, decode_stats, audit_head)
    VALUES (k, at, (body->>'kiosk_time')::timestamptz, body->>'version', (body->>'backlog')::bigint,
            (body->>'oldest_unsynced_age_s')::bigint, (body->>'disk_free_bytes')::bigint,
            (body->>'clock_skew_ms')::bigint, body->'decode_stats', body->>'audit_head')
    ON CONFLICT DO NOTHING;
    RETURN at;
END $$;

-- Trust on first use: the first sync registers the kiosk's bundle-signing key; a different key later is
-- refused (an administrator clears hub.kiosk.public_key after a deliberate key change).
CREATE OR REPLACE FUNCTION hub.register_public_key(key_hex text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub AS $$
DECLARE
    k text := hub.session_kiosk();
    current_key text;
BEGIN
    IF k IS NULL THEN
        RAISE EXCEPTION 'role "%" is not a registered kiosk', session_user USING ERRCODE = '42501';
    END IF;
    SELECT public_key INTO current_key FROM hub.kiosk WHERE kiosk_id = k FOR UPDATE;
    IF current_key IS NULL THEN
        UPDATE hub.kiosk SET public_key = key_hex WHERE kiosk_id = k;
        RETURN 'registered';
    ELSIF current_key = key_hex THEN
        RETURN 'unchanged';
    END IF;
    RAISE EXCEPTION 'kiosk % already has another bundle key; an administrator must clear it first', k
        USING ERRCODE = '42501';
END $$;

-- Administrator: a login role for one kiosk, allowed nothing but the kiosk doors.
CREATE OR REPLACE FUNCTION hub.add_kiosk(k text, password text, location text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, hub AS $$
DECLARE role text := 'kiosk_' || k;
BEGIN
    IF k !~ '^[a-z0-9][a-z0-9_-]{0,39}$' THEN
        RAISE EXCEPTION 'kiosk id "%" must be 1-40 characters a-z, 0-9, _ or -, starting with a letter or digit', k
            USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = role) THEN
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', role, password);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT '
                       'IN ROLE medkiosk_kiosk', role, password);
    END IF;
    INSERT INTO hub.kiosk (kiosk_id, role_name, location) VALUES (k, role, location)
        ON CONFLICT (kiosk_id) DO UPDATE SET location = coalesce(EXCLUDED.location, hub.kiosk.location);
    RETURN role;
END $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA hub FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.ingest(jsonb), hub.heartbeat(jsonb), hub.register_public_key(text),
    hub.session_kiosk() TO medkiosk_kiosk;

-- What kiosks may read: the reference data, as change feeds.
CREATE OR REPLACE VIEW hub.catalogue_feed AS
    SELECT gtin AS key, to_jsonb(c) - 'change_seq' - 'deleted' AS body, change_seq, deleted FROM hub.catalogue c;
CREATE OR REPLACE VIEW hub.rule_feed AS
    SELECT key, to_jsonb(r) - 'change_seq' - 'deleted' AS body, change_seq, deleted FROM hub.rule r;
CREATE OR REPLACE VIEW hub.recall_feed AS
    SELECT id AS key, to_jsonb(r) - 'change_seq' - 'deleted' AS body, change_seq, deleted FROM hub.recall r;
CREATE OR REPLACE VIEW hub.drive_feed AS
    SELECT id AS key, to_jsonb(d) - 'change_seq' - 'deleted' AS body, change_seq, deleted FROM hub.drive d;
REVOKE ALL ON hub.catalogue_feed, hub.rule_feed, hub.recall_feed, hub.drive_feed FROM PUBLIC;
GRANT SELECT ON hub.catalogue_feed, hub.rule_feed, hub.recall_feed, hub.drive_feed TO medkiosk_kiosk;
-- medkiosk county hub, part 3: the public report. Only counts leave the hub; no serial hash, batch,
-- session or receipt code appears in a report view.

-- decision and category are the final ones: a pharmacist's latest approve, reject or dispose overrides
-- the kiosk's decision (a pack the kiosk sent for review and a pharmacist approved counts as accepted;
-- one disposed counts as refused), and the latest re-classification overrides the catalogue's category.
-- kiosk_decision keeps what the kiosk decided at the counter.
CREATE OR REPLACE VIEW hub.report_dropoff AS
    SELECT d.kiosk_id AS drop_off_point,
           coalesce(k.location, d.kiosk_id) AS location,
           d.recorded_at,
           (date_trunc('week', d.recorded_at AT TIME ZONE 'UTC'))::date AS week,
           coalesce(reclassified.category, c.category, 'unclassified') AS category,
           CASE reviewed.action WHEN 'approve' THEN 'accept' WHEN 'reject' THEN 'refuse' WHEN 'dispose' THEN 'refuse'
                                ELSE d.decision END AS decision,
           d.reason,
           d.quantity,
           d.decision AS kiosk_decision
    FROM hub.dropoff d
    LEFT JOIN hub.catalogue c ON c.gtin = d.gtin AND NOT c.deleted
    LEFT JOIN hub.kiosk k ON k.kiosk_id = d.kiosk_id
    LEFT JOIN LATERAL (SELECT r.action FROM hub.review_action r
                       WHERE r.kiosk_id = d.kiosk_id AND r.dropoff_uuid = d.uuid AND r.action <> 'reclassify'
                       ORDER BY r.acted_at DESC LIMIT 1) reviewed ON true
    LEFT JOIN LATERAL (SELECT r.category FROM hub.review_action r
                       WHERE r.kiosk_id = d.kiosk_id AND r.dropoff_uuid = d.uuid AND r.action = 'reclassify'
                       ORDER BY r.acted_at DESC LIMIT 1) reclassified ON true;

-- item_count: packs dispatched (the sum of the items' quantities as the kiosk synced them); a dispatch
-- entered at the hub without items keeps its own count.
CREATE OR REPLACE VIEW hub.report_dispatch AS
    SELECT d.kiosk_id AS drop_off_point, d.clinic, d.dispatched_at,
           (date_trunc('week', d.dispatched_at AT TIME ZONE 'UTC'))::date AS week,
           coalesce(i.packs, d.item_count) AS item_count
    FROM hub.dispatch d
    LEFT JOIN LATERAL (SELECT sum(x.quantity)::integer AS packs FROM hub.dispatch_item x
                       WHERE x.kiosk_id = d.kiosk_id AND x.dispatch_uuid = d.uuid) i ON true;

-- The last heartbeat of every kiosk, for the bureau's monitoring.
CREATE OR REPLACE VIEW hub.kiosk_status AS
    SELECT DISTINCT ON (kiosk_id) * FROM hub.heartbeat ORDER BY kiosk_id, received_at DESC;

-- A donor's receipt code shows the outcome of that donation's own items and nothing else.
CREATE OR REPLACE FUNCTION hub.receipt_lookup(code text)
    RETURNS TABLE (recorded_at timestamptz, product text, quantity integer, decision text, reason text,
                   review_state text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hub AS $$
    -- The outcome is the latest staff action the kiosk synced: dispatched, else the last review's state.
    SELECT d.recorded_at, coalesce(c.name, d.gtin, d.product_id, d.scheme), d.quantity, d.decision, d.reason,
           CASE WHEN EXISTS (SELECT FROM hub.dispatch_item x WHERE x.kiosk_id = d.kiosk_id AND x.dropoff_uuid = d.uuid)
                THEN 'dispatched'
                ELSE coalesce((SELECT r.payload->>'review_state' FROM hub.review_action r
                               WHERE r.kiosk_id = d.kiosk_id AND r.dropoff_uuid = d.uuid
                               ORDER BY r.acted_at DESC LIMIT 1), d.review_state)
           END
    FROM hub.session s
    JOIN hub.dropoff d ON d.kiosk_id = s.kiosk_id AND d.session_id = s.session_id
    LEFT JOIN hub.catalogue c ON c.gtin = d.gtin
    WHERE s.receipt_code = upper(btrim(code))
    ORDER BY d.sequence
$$;

REVOKE ALL ON hub.report_dropoff, hub.report_dispatch, hub.kiosk_status FROM PUBLIC;
GRANT SELECT ON hub.report_dropoff, hub.report_dispatch TO medkiosk_report;
REVOKE ALL ON FUNCTION hub.receipt_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.receipt_lookup(text) TO medkiosk_report;
