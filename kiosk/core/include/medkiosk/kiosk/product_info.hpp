#pragma once
// What the donor is told about a pack beyond its code: the product's name, when the kiosk knows it.
// The kiosk answers it from the ledger thread's PolicySnapshot (SnapshotProductInfo in
// policy_snapshot.hpp); NoProductInfo answers nothing, and the screens then show the code's fields only.

#include <optional>
#include <string>

#include "medkiosk/kiosk/policy.hpp"
#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::kiosk {

class ProductInfoPort {
  public:
    virtual ~ProductInfoPort() = default;
    // Must not block: an in-memory catalogue snapshot, refreshed off the UI thread.
    virtual std::optional<ProductInfo> find(const scanner::PackCode& pack) const = 0;
};

// Knows no product (tests, and a kiosk without a catalogue).
class NoProductInfo : public ProductInfoPort {
  public:
    std::optional<ProductInfo> find(const scanner::PackCode&) const override { return std::nullopt; }
};

}  // namespace medkiosk::kiosk
