#pragma once
// The policy's slow-changing inputs held in memory, so the UI thread judges a pack without asking the
// database: the catalogue, the county's rules and the drive running today. The ledger thread loads it
// (see LedgerWorker) and publishes it whole; readers keep the shared_ptr they got for as long as they
// use it. Recalls and earlier serials are per-pack questions and are asked of the ledger thread instead.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "medkiosk/kiosk/policy.hpp"
#include "medkiosk/kiosk/product_info.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

struct PolicySnapshot {
    std::unordered_map<std::string, ProductInfo> products;  // by catalogue_key()
    // The "policy.rules" setting, already checked to parse; nullopt when the county set none. Kept as
    // text so the kiosk's own defaults (kiosk.toml) stay the base it overrides.
    std::optional<std::string> rules_json;
    std::optional<DriveInfo> drive;
    std::int64_t drive_id = 0;
    scanner::Date loaded_for{};  // the day whose active drive this is

    std::optional<ProductInfo> find(const scanner::PackCode& pack) const;
    // `base` overlaid with the county's rules.
    PolicyRules rules(const PolicyRules& base) const;
};

Result<PolicySnapshot> load_policy_snapshot(storage::Ledger& ledger, const scanner::Date& today);

// Where the donation flow gets the current snapshot. policy() never blocks; nullptr until the first
// load finished. refresh_policy() asks for a reload (after a catalogue import, a rules change or at
// midnight) and returns at once.
class PolicySource {
  public:
    virtual ~PolicySource() = default;
    virtual std::shared_ptr<const PolicySnapshot> policy() const = 0;
    virtual void refresh_policy() = 0;
};

// Product names for the screens, read from the latest snapshot.
class SnapshotProductInfo : public ProductInfoPort {
  public:
    explicit SnapshotProductInfo(const PolicySource& source) : source_(source) {}
    std::optional<ProductInfo> find(const scanner::PackCode& pack) const override;

  private:
    const PolicySource& source_;
};

}  // namespace medkiosk::kiosk
