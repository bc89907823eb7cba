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
