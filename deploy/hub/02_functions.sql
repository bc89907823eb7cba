-- medkiosk county hub, part 2: the only doors a kiosk has (ingest, heartbeat, key registration) and
-- the administrator's functions (add a kiosk, import a verified bundle).
-- Every SECURITY DEFINER function runs with a fixed search_path, pg_temp last, and names its types by
-- schema, so a caller cannot shadow what it uses (README.md, "Rules for hub functions").

-- What a kiosk may send. A record past these is answered `invalid` with the reason (the kiosk keeps it
-- as a dead letter); nothing past them is stored.
--   * a payload of at most 64 KiB (a dispatch, which lists its packs, 2 MiB); an id of at most 200
--     characters; a heartbeat of at most 64 KiB with a version of at most 200 characters;
--   * every date between today - 30 years and today + 30 years ("infinity", 0001-01-01 or 9999-12-31
--     are a broken clock or a forged record, never a donation).
-- The three helpers below are plain SQL without a SET clause so that PostgreSQL inlines them into
-- ingest_for's one statement (a SET clause would cost a function call per record); they are not
-- SECURITY DEFINER, no login may EXECUTE them, and they run only inside the pinned functions below,
-- under their search_path.
--
-- Whether text v is empty or a date within today -/+ 30 years. A date starts with a digit: tested first
-- (CASE keeps the order; cheaper than a pattern), so 'infinity', 'now' or 'epoch' never reach the cast.
CREATE OR REPLACE FUNCTION hub.in_window(v pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN v IS NULL OR v = '' THEN true
                WHEN ascii(v) NOT BETWEEN 48 AND 57 THEN false
                ELSE v::pg_catalog.timestamptz BETWEEN now() - interval '30 years' AND now() + interval '30 years'
           END
$$;

-- The reason for a date outside the window, naming the record kind, the field, the window and the
-- device whose clock to check: a clinic's records (part 4, hub.clinic_record) come from a clinic device,
-- whose technician would look in vain for a kiosk.
CREATE OR REPLACE FUNCTION hub.date_problem(ent pg_catalog.text, field pg_catalog.text, p pg_catalog.jsonb)
    RETURNS pg_catalog.text
    LANGUAGE sql STABLE AS $$
    SELECT format('%s %s "%s" is not a date between %s and %s (the hub''s today -/+ 30 years); '
                  'check the %s''s clock', ent, field, left(p->>field, 40),
                  (now() - interval '30 years')::pg_catalog.date, (now() + interval '30 years')::pg_catalog.date,
                  CASE WHEN ent IN ('arrival', 'given_out', 'clinic_disposal') THEN 'clinic device' ELSE 'kiosk' END)
$$;

-- Why a dispatch's items may not be stored, or NULL when they may: each a drop-off uuid with 1 to 10000
-- packs, no drop-off twice (a drop-off is dispatched once, with all its packs), at most a million packs
-- in all, summed as bigint (2147483647 packs once broke the dispatch report with "integer out of range").
CREATE OR REPLACE FUNCTION hub.dispatch_items_problem(p pg_catalog.jsonb)
    RETURNS pg_catalog.text
    LANGUAGE sql IMMUTABLE AS $$
    WITH item AS (
        SELECT e.n, e.i, lower(e.i->>'dropoff_uuid') AS dropoff,
               CASE WHEN (e.i->>'quantity') ~ '^[0-9]{1,9}$' THEN (e.i->>'quantity')::pg_catalog.int8 END AS q
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p->'items') = 'array' THEN p->'items' END)
             WITH ORDINALITY AS e(i, n)
    ), bad AS (
        SELECT n, i FROM item
        WHERE q IS NULL OR q NOT BETWEEN 1 AND 10000
              OR coalesce(dropoff, '') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        ORDER BY n LIMIT 1
    ), twice AS (
        SELECT dropoff FROM item GROUP BY dropoff HAVING count(*) > 1 LIMIT 1
    )
    SELECT CASE
        WHEN p->'items' IS NULL THEN NULL
        WHEN jsonb_typeof(p->'items') IS DISTINCT FROM 'array' THEN 'dispatch items is not a JSON array'
        WHEN EXISTS (SELECT FROM bad)
            THEN (SELECT format('dispatch item %s (%s) is not a drop-off uuid with 1 to 10000 packs', n,
                                left(i::pg_catalog.text, 100)) FROM bad)
        WHEN EXISTS (SELECT FROM twice)
            THEN (SELECT format('dispatch lists drop-off %s more than once; a drop-off is dispatched once, '
                                'with all its packs', dropoff) FROM twice)
        WHEN (SELECT sum(q) FROM item) > 1000000
            THEN format('dispatch holds %s packs in all; the hub accepts at most 1000000',
                        (SELECT sum(q) FROM item))
    END
$$;

-- Why record (k, ent, id, ptext, p = ptext parsed) may not be stored, or NULL when it may. Raises only
-- for a date PostgreSQL cannot read; ingest_each answers that `invalid` too.
CREATE OR REPLACE FUNCTION hub.record_problem(k pg_catalog.text, ent pg_catalog.text, id pg_catalog.text,
                                              ptext pg_catalog.text, p pg_catalog.jsonb)
    RETURNS pg_catalog.text
    LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN id IS NULL OR ent IS NULL OR ptext IS NULL THEN 'record lacks id, entity or payload'
        WHEN length(id) > 200 THEN format('record id is %s characters; the hub accepts at most 200', length(id))
        WHEN ent NOT IN ('dropoff', 'session', 'review_action', 'dispatch')
            THEN format('unknown record kind "%s"', left(ent, 40))
        WHEN octet_length(ptext) > CASE ent WHEN 'dispatch' THEN 2097152 ELSE 65536 END
            THEN format('%s payload is %s bytes; the hub accepts at most %s', ent, octet_length(ptext),
                        CASE ent WHEN 'dispatch' THEN 2097152 ELSE 65536 END)
        WHEN jsonb_typeof(p) IS DISTINCT FROM 'object' THEN 'payload is not a JSON object'
        WHEN p ? 'kiosk_id' AND p->>'kiosk_id' IS DISTINCT FROM k
            THEN format('payload says kiosk %s, but it came from kiosk %s', left(p->>'kiosk_id', 60), k)
        WHEN ent IN ('dropoff', 'review_action', 'dispatch') AND p->>'uuid' IS DISTINCT FROM id
            THEN format('%s id %s does not match its payload uuid %s', ent, id, left(p->>'uuid', 60))
        WHEN ent = 'session' AND p ? 'session_uuid' AND p->>'session_uuid' IS DISTINCT FROM id
            THEN format('session id %s does not match its payload session_uuid %s', id, left(p->>'session_uuid', 60))
        WHEN ent = 'session' AND (coalesce(p->>'receipt_code', '') = '' OR length(p->>'receipt_code') > 40)
            THEN 'session receipt_code is missing or longer than 40 characters'
        WHEN ent = 'dropoff' AND NOT hub.in_window(p->>'recorded_at') THEN hub.date_problem(ent, 'recorded_at', p)
        WHEN ent = 'dropoff' AND NOT hub.in_window(p->>'expiry') THEN hub.date_problem(ent, 'expiry', p)
        WHEN ent = 'session' AND NOT hub.in_window(p->>'started_at') THEN hub.date_problem(ent, 'started_at', p)
        WHEN ent = 'review_action' AND NOT hub.in_window(p->>'acted_at') THEN hub.date_problem(ent, 'acted_at', p)
        WHEN ent = 'review_action' AND NOT hub.in_window(p->>'at') THEN hub.date_problem(ent, 'at', p)
        WHEN ent = 'dispatch' AND NOT hub.in_window(p->>'dispatched_at')
            THEN hub.date_problem(ent, 'dispatched_at', p)
        WHEN ent = 'dispatch' AND hub.dispatch_items_problem(p) IS NOT NULL THEN hub.dispatch_items_problem(p)
    END
$$;

-- Loads a batch for kiosk `k`, one record at a time, each in its own subtransaction. Each element:
-- {"entity": "...", "id": "...", "payload": "<json text>"}. Answers per record: inserted, duplicate
-- (same id, same payload hash), mismatch (same id, other payload) or invalid (with the reason). Never
-- raises for a bad record, so one poison record cannot block the rest of a batch.
--
-- Every SECURITY DEFINER function here runs as the hub's owner, so it pins search_path with pg_temp
-- LAST (left out, pg_temp is searched FIRST for types and relations) and names every type by schema:
-- see "Rules for hub functions" in README.md.
CREATE OR REPLACE FUNCTION hub.ingest_each(k pg_catalog.text, batch pg_catalog.jsonb, src pg_catalog.text)
    RETURNS TABLE (rec_id pg_catalog.text, outcome pg_catalog.text, detail pg_catalog.text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE
    item     pg_catalog.jsonb;
    ent      pg_catalog.text;
    ptext    pg_catalog.text;
    p        pg_catalog.jsonb;
    h        pg_catalog.bytea;
    existing pg_catalog.bytea;
    problem  pg_catalog.text;
    session_key pg_catalog.uuid;
    violated pg_catalog.text;
BEGIN
    IF jsonb_typeof(batch) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'ingest expects a JSON array of records' USING ERRCODE = '22023';
    END IF;
    FOR item IN SELECT e.value FROM jsonb_array_elements(batch) AS e LOOP
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
        SELECT r.payload_hash INTO existing FROM hub.ingest_record r WHERE r.kiosk_id = k AND r.record_id = rec_id;
        IF FOUND THEN
            outcome := CASE WHEN existing = h THEN 'duplicate' ELSE 'mismatch' END;
            RETURN NEXT;
            CONTINUE;
        END IF;
        BEGIN
            p := ptext::pg_catalog.jsonb;
            problem := hub.record_problem(k, ent, rec_id, ptext, p);
            IF problem IS NOT NULL THEN
                RAISE EXCEPTION USING MESSAGE = problem;
            END IF;
            INSERT INTO hub.ingest_record (kiosk_id, record_id, entity, payload_hash, source)
                VALUES (k, rec_id, ent, h, src);
            IF ent = 'dropoff' THEN
                INSERT INTO hub.dropoff (kiosk_id, uuid, session_id, recorded_at, sequence, scheme, gtin,
                        product_id, batch, expiry, expiry_precision, serial_hash, quantity, condition,
                        decision, reason, review_state, expiry_source, session_uuid)
                VALUES (k, (p->>'uuid')::pg_catalog.uuid, (p->>'session_id')::pg_catalog.int8,
                        (p->>'recorded_at')::pg_catalog.timestamptz, (p->>'sequence')::pg_catalog.int8,
                        p->>'scheme', nullif(p->>'gtin', ''), nullif(p->>'product_id', ''),
                        nullif(p->>'batch', ''), nullif(p->>'expiry', '')::pg_catalog.date,
                        nullif(p->>'expiry_precision', ''), nullif(p->>'serial_hash', ''),
                        (p->>'quantity')::pg_catalog.int4, p->>'condition', p->>'decision', p->>'reason',
                        coalesce(p->>'review_state', 'pending'), nullif(p->>'expiry_source', ''),
                        nullif(p->>'session_uuid', '')::pg_catalog.uuid);
            ELSIF ent = 'session' THEN
                -- A legacy session (numbered, no session_uuid) gets a UUID made up here.
                session_key := coalesce((p->>'session_uuid')::pg_catalog.uuid, gen_random_uuid());
                IF EXISTS (SELECT FROM hub.receipt_code c WHERE c.code = p->>'receipt_code') THEN
                    RAISE EXCEPTION 'receipt code % is already used by another donation at the hub; a receipt '
                                    'code belongs to one donation in the whole county', p->>'receipt_code';
                END IF;
                INSERT INTO hub.receipt_code (code, kiosk_id, session_uuid) VALUES (p->>'receipt_code', k, session_key);
                INSERT INTO hub.session (kiosk_id, session_uuid, session_id, instance_id, legacy, receipt_code,
                                         started_at)
                VALUES (k, session_key, (p->>'session_id')::pg_catalog.int8,
                        nullif(p->>'instance_id', '')::pg_catalog.uuid, NOT (p ? 'session_uuid'), p->>'receipt_code',
                        (p->>'started_at')::pg_catalog.timestamptz);
            ELSIF ent = 'review_action' THEN
                INSERT INTO hub.review_action (kiosk_id, uuid, dropoff_uuid, action, category, acted_at, payload)
                VALUES (k, rec_id::pg_catalog.uuid, (p->>'dropoff_uuid')::pg_catalog.uuid, p->>'action',
                        p->>'category', coalesce(p->>'acted_at', p->>'at')::pg_catalog.timestamptz, p);
            ELSE  -- dispatch; record_problem refused any other kind
                INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload)
                VALUES (k, rec_id::pg_catalog.uuid, p->>'clinic', (p->>'dispatched_at')::pg_catalog.timestamptz,
                        coalesce(jsonb_array_length(p->'items'), (p->>'item_count')::pg_catalog.int4, 0),
                        p);
                INSERT INTO hub.dispatch_item (kiosk_id, dispatch_uuid, dropoff_uuid, quantity)
                SELECT k, rec_id::pg_catalog.uuid, (i->>'dropoff_uuid')::pg_catalog.uuid,
                       (i->>'quantity')::pg_catalog.int4
                FROM jsonb_array_elements(coalesce(p->'items', '[]')) AS i;
            END IF;
            outcome := 'inserted';
            RETURN NEXT;
        EXCEPTION
            WHEN unique_violation THEN
                GET STACKED DIAGNOSTICS violated = CONSTRAINT_NAME;
                IF violated = 'receipt_code_pkey' THEN
                    -- Another kiosk's session took the code a moment before.
                    outcome := 'invalid';
                    detail := format('receipt code %s is already used by another donation at the hub; a receipt '
                                     'code belongs to one donation in the whole county', p->>'receipt_code');
                    RETURN NEXT;
                    CONTINUE;
                END IF;
                -- Another delivery of the same record (a bundle import beside a live sync) won the race.
                SELECT r.payload_hash INTO existing FROM hub.ingest_record r
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
CREATE OR REPLACE FUNCTION hub.ingest_for(k pg_catalog.text, batch pg_catalog.jsonb, src pg_catalog.text)
    RETURNS TABLE (rec_id pg_catalog.text, outcome pg_catalog.text, detail pg_catalog.text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE
    answer    pg_catalog.jsonb;
    bad_count pg_catalog.int8;
    written   pg_catalog.int8;
BEGIN
    IF jsonb_typeof(batch) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'ingest expects a JSON array of records' USING ERRCODE = '22023';
    END IF;
    BEGIN
        WITH input AS (
            SELECT e.ord, e.value->>'id' AS id, e.value->>'entity' AS entity, e.value->>'payload' AS ptext
            FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(value, ord)
        ), parsed AS (
            SELECT i.*, sha256(convert_to(i.ptext, 'UTF8')) AS h, i.ptext::pg_catalog.jsonb AS p FROM input i
        ), keyed AS (
            -- A legacy session (numbered, no session_uuid) gets a UUID made up here, once.
            SELECT x.*, CASE WHEN x.entity = 'session'
                             THEN coalesce((x.p->>'session_uuid')::pg_catalog.uuid, gen_random_uuid()) END AS session_key
            FROM parsed x
        ), known AS (
            SELECT x.*, r.payload_hash AS existing
            FROM keyed x LEFT JOIN hub.ingest_record r ON r.kiosk_id = k AND r.record_id = x.id
        ), fresh AS (
            SELECT * FROM known WHERE existing IS NULL
        ), checked AS (
            SELECT count(*) FILTER (WHERE hub.record_problem(k, entity, id, ptext, p) IS NOT NULL) AS bad
            FROM fresh
        ), ins_record AS (
            INSERT INTO hub.ingest_record (kiosk_id, record_id, entity, payload_hash, source)
            SELECT k, id, entity, h, src FROM fresh RETURNING 1
        ), ins_dropoff AS (
            INSERT INTO hub.dropoff (kiosk_id, uuid, session_id, recorded_at, sequence, scheme, gtin,
                    product_id, batch, expiry, expiry_precision, serial_hash, quantity, condition,
                    decision, reason, review_state, expiry_source, session_uuid)
            SELECT k, (p->>'uuid')::pg_catalog.uuid, (p->>'session_id')::pg_catalog.int8,
                   (p->>'recorded_at')::pg_catalog.timestamptz, (p->>'sequence')::pg_catalog.int8, p->>'scheme',
                   nullif(p->>'gtin', ''), nullif(p->>'product_id', ''), nullif(p->>'batch', ''),
                   nullif(p->>'expiry', '')::pg_catalog.date, nullif(p->>'expiry_precision', ''),
                   nullif(p->>'serial_hash', ''), (p->>'quantity')::pg_catalog.int4, p->>'condition',
                   p->>'decision', p->>'reason', coalesce(p->>'review_state', 'pending'),
                   nullif(p->>'expiry_source', ''), nullif(p->>'session_uuid', '')::pg_catalog.uuid
            FROM fresh WHERE entity = 'dropoff' RETURNING 1
        ), ins_receipt AS (
            -- A code already taken (here or earlier in this batch) raises: ingest_each then says which.
            INSERT INTO hub.receipt_code (code, kiosk_id, session_uuid)
            SELECT p->>'receipt_code', k, session_key FROM fresh WHERE entity = 'session' RETURNING 1
        ), ins_session AS (
            INSERT INTO hub.session (kiosk_id, session_uuid, session_id, instance_id, legacy, receipt_code,
                                     started_at)
            SELECT k, session_key, (p->>'session_id')::pg_catalog.int8, nullif(p->>'instance_id', '')::pg_catalog.uuid,
                   NOT (p ? 'session_uuid'), p->>'receipt_code', (p->>'started_at')::pg_catalog.timestamptz
            FROM fresh WHERE entity = 'session' RETURNING 1
        ), ins_review AS (
            INSERT INTO hub.review_action (kiosk_id, uuid, dropoff_uuid, action, category, acted_at, payload)
            SELECT k, id::pg_catalog.uuid, (p->>'dropoff_uuid')::pg_catalog.uuid, p->>'action', p->>'category',
                   coalesce(p->>'acted_at', p->>'at')::pg_catalog.timestamptz, p
            FROM fresh WHERE entity = 'review_action' RETURNING 1
        ), ins_dispatch AS (
            INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload)
            SELECT k, id::pg_catalog.uuid, p->>'clinic', (p->>'dispatched_at')::pg_catalog.timestamptz,
                   coalesce(jsonb_array_length(p->'items'), (p->>'item_count')::pg_catalog.int4, 0), p
            FROM fresh WHERE entity = 'dispatch' RETURNING 1
        ), ins_dispatch_item AS (
            INSERT INTO hub.dispatch_item (kiosk_id, dispatch_uuid, dropoff_uuid, quantity)
            SELECT k, id::pg_catalog.uuid, (i->>'dropoff_uuid')::pg_catalog.uuid, (i->>'quantity')::pg_catalog.int4
            FROM fresh, jsonb_array_elements(coalesce(p->'items', '[]')) AS i
            WHERE entity = 'dispatch' RETURNING 1
        )
        SELECT (SELECT c.bad FROM checked c),
               (SELECT count(*) FROM ins_record) + (SELECT count(*) FROM ins_dropoff)
                   + (SELECT count(*) FROM ins_session) + (SELECT count(*) FROM ins_receipt)
                   + (SELECT count(*) FROM ins_review)
                   + (SELECT count(*) FROM ins_dispatch) + (SELECT count(*) FROM ins_dispatch_item),
               coalesce(jsonb_agg(jsonb_build_array(known.id,
                   CASE WHEN known.existing IS NULL THEN 'inserted'
                        WHEN known.existing = known.h THEN 'duplicate' ELSE 'mismatch' END) ORDER BY known.ord), '[]')
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
    RETURN QUERY SELECT a->>0, a->>1, NULL::pg_catalog.text FROM jsonb_array_elements(answer) AS a;
END $$;

-- The kiosk's upload door: the kiosk is whoever logged in, never a parameter.
CREATE OR REPLACE FUNCTION hub.ingest(batch pg_catalog.jsonb)
    RETURNS TABLE (rec_id pg_catalog.text, outcome pg_catalog.text, detail pg_catalog.text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE k pg_catalog.text := hub.session_kiosk();
BEGIN
    IF k IS NULL THEN
        RAISE EXCEPTION 'role "%" is not a registered kiosk; register it with medkioskctl hub add-kiosk', session_user
            USING ERRCODE = '42501';
    END IF;
    RETURN QUERY SELECT * FROM hub.ingest_for(k, batch, 'sync');
END $$;

-- Records the kiosk's state and answers with the hub's clock, from which the kiosk measures skew.
-- Refused past the limits above (64 KiB, a version of 200 characters). A kiosk_time outside today -/+ 30
-- years is kept as NULL rather than refused: a kiosk with a broken clock is exactly what the heartbeat
-- must still report (its clock_skew_ms says by how much).
CREATE OR REPLACE FUNCTION hub.heartbeat(body pg_catalog.jsonb) RETURNS pg_catalog.timestamptz
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE
    k          pg_catalog.text := hub.session_kiosk();
    at         pg_catalog.timestamptz := clock_timestamp();
    size       pg_catalog.int4 := octet_length(body::pg_catalog.text);
    kiosk_text pg_catalog.text := body->>'kiosk_time';
    kiosk_time pg_catalog.timestamptz;
BEGIN
    IF k IS NULL THEN
        RAISE EXCEPTION 'role "%" is not a registered kiosk', session_user USING ERRCODE = '42501';
    ELSIF jsonb_typeof(body) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'heartbeat expects a JSON object' USING ERRCODE = '22023';
    ELSIF size > 65536 THEN
        RAISE EXCEPTION 'heartbeat is % bytes; the hub accepts at most 65536', size USING ERRCODE = '54000';
    ELSIF length(body->>'version') > 200 OR length(body->>'audit_head') > 200
          OR length(body->>'ledger_instance') > 200 THEN
        RAISE EXCEPTION 'heartbeat version, audit_head or ledger_instance is longer than 200 characters'
            USING ERRCODE = '54000';
    END IF;
    IF kiosk_text ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN
        kiosk_time := kiosk_text::pg_catalog.timestamptz;
        IF kiosk_time NOT BETWEEN at - make_interval(years => 30) AND at + make_interval(years => 30) THEN
            kiosk_time := NULL;
        END IF;
    ELSIF kiosk_text IS NOT NULL AND kiosk_text !~ '^-?infinity$' THEN
        RAISE EXCEPTION 'heartbeat kiosk_time "%" is not a date', left(kiosk_text, 40) USING ERRCODE = '22007';
    END IF;
    INSERT INTO hub.heartbeat (kiosk_id, received_at, kiosk_time, version, backlog, oldest_unsynced_age_s,
            disk_free_bytes, clock_skew_ms, decode_stats, audit_head, ledger_instance)
    VALUES (k, at, kiosk_time, body->>'version', (body->>'backlog')::pg_catalog.int8,
            (body->>'oldest_unsynced_age_s')::pg_catalog.int8, (body->>'disk_free_bytes')::pg_catalog.int8,
            (body->>'clock_skew_ms')::pg_catalog.int8, body->'decode_stats', body->>'audit_head',
            body->>'ledger_instance')
    ON CONFLICT DO NOTHING;
    RETURN at;
END $$;

-- Trust on first use: the first sync registers the kiosk's bundle-signing key; a different key later is
-- refused (an administrator clears hub.kiosk.public_key after a deliberate key change).
CREATE OR REPLACE FUNCTION hub.register_public_key(key_hex pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE
    k pg_catalog.text := hub.session_kiosk();
    current_key pg_catalog.text;
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
CREATE OR REPLACE FUNCTION hub.add_kiosk(k pg_catalog.text, password pg_catalog.text,
                                         location pg_catalog.text DEFAULT NULL) RETURNS pg_catalog.text
    LANGUAGE plpgsql SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE role pg_catalog.text := 'kiosk_' || k;
BEGIN
    IF k !~ '^[a-z0-9][a-z0-9_-]{0,39}$' THEN
        RAISE EXCEPTION 'kiosk id "%" must be 1-40 characters a-z, 0-9, _ or -, starting with a letter or digit', k
            USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role) THEN
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', role, password);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT '
                       'IN ROLE medkiosk_kiosk', role, password);
    END IF;
    -- The database must still be locked down (a restored or cloned database has lost its ACL).
    IF has_database_privilege(role, current_database(), 'TEMPORARY, CREATE') THEN
        RAISE EXCEPTION 'kiosk logins could create objects in database % (TEMPORARY or CREATE for PUBLIC): run '
                        'medkioskctl hub init on it again, then add the kiosk', current_database()
            USING ERRCODE = '42501';
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
