#pragma once
// The collection points' manifest keys as a clinic device keeps them (table hub_kiosk_key, version 33),
// shared by the clinic's ledger, which checks delivery lists with them, and the sync, which fetches a
// damaged one again. Private to the storage library.

namespace medkiosk::storage::detail {

// For a hub_kiosk_key row: NULL when its body holds a key that can check a signature (64 hex digits,
// an Ed25519 public key), else what is wrong with it, in words for a technician. A row the sync stores
// is always well formed: a damaged one was changed on this device (a disk fault, an edit by hand). The
// CASE keeps json_extract from ever reading malformed JSON, which would fail the whole statement.
inline constexpr const char* kManifestKeyDamage =
    "CASE WHEN NOT json_valid(body) THEN 'it is not readable JSON' "
    "WHEN json_type(body, '$.public_key') IS NOT 'text' THEN 'it holds no key' "
    "WHEN json_extract(body, '$.public_key') = '' THEN 'its key is empty' "
    "WHEN length(json_extract(body, '$.public_key')) <> 64 "
    "  OR json_extract(body, '$.public_key') GLOB '*[^0-9a-fA-F]*' THEN 'its key is not 64 hex digits' END";

// For a hub_kiosk_key row: true when the row itself was changed on this device. The sync stores a
// collection point's id exactly as the hub spells it (lower case, no spaces) and deleted as 0 or 1; a row
// with another deleted value, or an id that differs from its trimmed lower-case form, would make its
// collection point look keyless, so that an unsigned delivery list would pass.
inline constexpr const char* kManifestKeyRowDamage =
    "(deleted IS NOT 0 AND deleted IS NOT 1 OR key IS NOT lower(trim(key, ' ' || char(9, 10, 13))))";

}  // namespace medkiosk::storage::detail
