// Offline bundles. File layout (text, so a technician can look into it):
//   line 1  "medkiosk-bundle 1"
//   line 2  the body: JSON {kiosk_id, bundle_id, created_at, public_key, records:[{entity,id,payload}]}
//   line 3  "ed25519 " + hex signature of line 2's bytes
// The hub trusts only the key registered for the kiosk, never the key inside the file.

#include "medkiosk/storage/bundle.hpp"

#include <sodium.h>

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "identifiers.hpp"
#include "kiosk_key_pair.hpp"
#include "outbox.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using detail::from_hex;
using detail::load_or_create_key;
using detail::to_hex;
using detail::write_file_atomically;
constexpr const char* kMagic = "medkiosk-bundle 1";
constexpr int kImportBatch = 1000;
constexpr std::uintmax_t kMaxBundleBytes = 2ull << 30;

}  // namespace

Result<BundleExport> export_bundle(const fs::path& ledger_file, const fs::path& key_file,
                                   const std::string& kiosk_id_override, const fs::path& directory) {
    auto store = detail::OutboxStore::open(ledger_file);
    if (!store) return store.error();
    std::string kiosk_id = kiosk_id_override;
    if (kiosk_id.empty()) {
        auto found = store.value()->any_kiosk_id();
        if (!found) return found.error();
        kiosk_id = found.value();
    }
    if (kiosk_id.empty()) {
        return Error{ErrorCode::Invalid,
                     "cannot tell this kiosk's id from the ledger (no drop-offs yet); pass --kiosk-id"};
    }
    auto pair = load_or_create_key(key_file);
    if (!pair) return pair.error();

    nlohmann::json records = nlohmann::json::array();
    // Read before the sessions: records queued later may belong to a session this bundle lacks, and
    // go in the next bundle with it.
    auto sessions_cover = store.value()->last_outbox_id();
    if (!sessions_cover) return sessions_cover.error();
    auto cursor = store.value()->session_cursor();
    if (!cursor) return cursor.error();
    for (std::int64_t after_session = cursor.value();;) {
        auto sessions = store.value()->sessions_due(after_session, 5000);
        if (!sessions) return sessions.error();
        if (sessions.value().empty()) break;
        for (const auto& row : sessions.value()) {
            records.push_back({{"entity", row.entity}, {"id", row.entity_id}, {"payload", row.payload}});
            after_session = row.id;
        }
    }
    std::int64_t after = 0;
    for (;;) {
        auto due = store.value()->due(after, 5000, sessions_cover.value());
        if (!due) return due.error();
        if (due.value().empty()) break;
        for (const auto& row : due.value()) {
            records.push_back({{"entity", row.entity}, {"id", row.entity_id}, {"payload", row.payload}});
            after = row.id;
        }
    }
    const std::string bundle_id = detail::new_uuid_v4();
    const std::string created_at = detail::utc_now_iso8601_ms();
    nlohmann::ordered_json body = {
        {"kiosk_id", kiosk_id},
        {"bundle_id", bundle_id},
        {"created_at", created_at},
        {"public_key", to_hex(pair.value()->public_key.data(), crypto_sign_PUBLICKEYBYTES)},
        {"records", records}};
    const std::string body_text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::array<unsigned char, crypto_sign_BYTES> signature{};
    crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char*>(body_text.data()),
                         body_text.size(), pair.value()->secret_key.data());

    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec) return Error{ErrorCode::Io, "cannot create " + directory.string() + ": " + ec.message()};
    std::string stamp = created_at;
    std::erase_if(stamp, [](char c) { return c == ':' || c == '-' || c == '.'; });
    const fs::path file = directory / ("medkiosk-" + kiosk_id + "-" + stamp + ".mkbundle");
    const std::string content = std::string(kMagic) + "\n" + body_text + "\n" + "ed25519 " +
                                to_hex(signature.data(), signature.size()) + "\n";
    if (auto s = write_file_atomically(file, content, 0644); !s) return s.error();
    return BundleExport{file, static_cast<std::int64_t>(records.size()), kiosk_id};
}

Result<BundleImport> import_bundle(HubSession& admin, const fs::path& file) {
    if (sodium_init() < 0) return Error{ErrorCode::Internal, "libsodium failed to initialise"};
    const auto refuse = [&](const std::string& why) {
        return Error{ErrorCode::Invalid,
                     "bundle " + file.string() + " refused: " + why + " — nothing was imported"};
    };
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec) return Error{ErrorCode::NotFound, "cannot read bundle " + file.string() + ": " + ec.message()};
    if (size > kMaxBundleBytes) return refuse("file is larger than any bundle a kiosk writes");
    std::ifstream in(file, std::ios::binary);
    std::string magic, body_text, signature_line;
    std::getline(in, magic);
    std::getline(in, body_text);
    std::getline(in, signature_line);
    if (magic != kMagic)
        return refuse("not a medkiosk bundle (first line is not \"" + std::string(kMagic) + "\")");
    std::array<unsigned char, crypto_sign_BYTES> signature{};
    if (signature_line.rfind("ed25519 ", 0) != 0 ||
        !from_hex(signature_line.substr(8), signature.data(), signature.size()))
        return refuse("signature line is missing or malformed");
    const std::string signature_hex = signature_line.substr(8);

    nlohmann::json body = nlohmann::json::parse(body_text, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("kiosk_id") ||
        !body["kiosk_id"].is_string() || !body.contains("records") || !body["records"].is_array()) {
        return refuse("body is not a bundle document");
    }
    const std::string kiosk_id = body["kiosk_id"].get<std::string>();
    auto key_rows = admin.query("SELECT public_key FROM hub.kiosk WHERE kiosk_id = $1", {kiosk_id});
    if (!key_rows) return key_rows.error();
    if (key_rows.value().empty()) return refuse("kiosk \"" + kiosk_id + "\" is not registered at this hub");
    const auto& registered = key_rows.value().front().at(0);
    if (!registered) {
        return refuse("kiosk \"" + kiosk_id +
                      "\" has no registered bundle key yet (it registers on its first "
                      "sync, or pass --public-key to hub add-kiosk)");
    }
    if (std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
        !from_hex(*registered, public_key.data(), public_key.size()))
        return refuse("registered key is malformed");
    if (!kiosk_signature_valid(body_text, signature_hex, *registered)) {
        return refuse("signature does not match kiosk \"" + kiosk_id +
                      "\"'s registered key (the file was changed, or another kiosk wrote it)");
    }

    BundleImport result;
    result.kiosk_id = kiosk_id;
    const auto& records = body["records"];
    for (std::size_t start = 0; start < records.size(); start += kImportBatch) {
        nlohmann::json batch = nlohmann::json::array();
        for (std::size_t i = start; i < std::min(records.size(), start + kImportBatch); ++i)
            batch.push_back(records[i]);
        auto answer = admin.query(
            "SELECT outcome, count(*) FROM hub.ingest_device_for($1, $2::jsonb, 'bundle') GROUP BY outcome",
            {kiosk_id, batch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
        if (!answer) return answer.error();
        for (const auto& row : answer.value()) {
            const auto count = std::stoll(row.at(1).value_or("0"));
            const auto outcome = row.at(0).value_or("");
            if (outcome == "inserted")
                result.inserted += count;
            else if (outcome == "duplicate")
                result.duplicates += count;
            else if (outcome == "mismatch")
                result.mismatches += count;
            else
                result.invalid += count;
        }
    }
    return result;
}

}  // namespace medkiosk::storage
