// Linked into every test program (medkiosk_add_test). A skipped test would pass silently in CTest, so
// a missing dependency would go unnoticed. As root, where deploy/setup.sh has installed everything
// and every test can run (CI runs the suite as root), a skipped test fails the program, and ctest
// counts it failed (tests/CMakeLists.txt: only the "skipped without root" line below is a skip to
// ctest). As an ordinary user the root-only tests still skip, and ctest reports them as skipped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace medkiosk::test {
namespace {

class SkipPolicy : public ::testing::EmptyTestEventListener {
  public:
    void OnTestEnd(const ::testing::TestInfo& info) override {
        if (info.result() != nullptr && info.result()->Skipped())
            skipped_.push_back(std::string(info.test_suite_name()) + "." + info.name());
    }

    void OnTestProgramEnd(const ::testing::UnitTest&) override {
        if (skipped_.empty()) return;
        const bool as_root = ::geteuid() == 0;
        std::fprintf(stderr, "%zu test(s) skipped%s:\n", skipped_.size(),
                     as_root ? " as root, where every test must run: install what deploy/setup.sh installs"
                             : " without root (they need root; CI runs the suite as root)");
        for (const auto& name : skipped_) std::fprintf(stderr, "  %s\n", name.c_str());
        if (!as_root) return;
        std::fflush(stdout);
        std::fflush(stderr);
        std::_Exit(1);
    }

  private:
    std::vector<std::string> skipped_;
};

// Registered at static initialisation: the listener list belongs to the UnitTest singleton, which
// gtest_main's later InitGoogleTest keeps.
const bool kRegistered = [] {
    ::testing::UnitTest::GetInstance()->listeners().Append(new SkipPolicy);
    return true;
}();

}  // namespace
}  // namespace medkiosk::test
