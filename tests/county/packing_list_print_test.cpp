// Issue 17: the packing list leaves with the dispatch as one A4 page. A staff PC prints it with its
// browser: here Chromium's print-to-PDF, for a short dispatch, a middling one and the longest a manifest
// holds, every line with a long product name in Chinese and English.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "browser.hpp"
#include "medkiosk/kiosk/packing_list.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/storage/manifest.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {
namespace {

kiosk::PackingListContext dispatch_of(int lines, const kiosk::Translations& words) {
    kiosk::PackingListContext context;
    auto& manifest = context.dispatch.manifest;
    manifest.kiosk_id = "dc-01";
    manifest.dispatch_uuid = "5f0c6a52-9d1e-4c3b-8a7f-2b6e9d0c4a11";
    manifest.clinic_id = "xishan";
    manifest.order_uuid = "0b7e3f6d-1c2a-4e5b-9f8d-7a6c5b4e3d21";
    manifest.dispatched_on = "2026-12-03";
    for (int i = 1; i <= lines; ++i) {
        const std::string serial = std::to_string(10000 + i);
        manifest.lines.push_back({i, "0690123456" + serial.substr(1),
                                  "2027-0" + std::to_string(1 + i % 9) + "-28", i % 3 == 0 ? "cough" : "cold",
                                  1 + i % 9});
    }
    manifest.signature = std::string(128, 'a');  // as long as a real one: the QR is as dense
    context.dispatch.manifest_code = storage::encode_manifest(manifest);
    context.dispatch.dispatch.clinic = manifest.clinic_id;
    context.clinic.clinic_id = manifest.clinic_id;
    context.clinic.name_zh = "西山镇中心卫生院第二分院（社区卫生服务站）";
    context.clinic.name_en =
        "Xishan Township Central Health Centre, Second Branch (Community Health Station)";
    context.clinic.township_zh = "西山镇";
    context.clinic.township_en = "Xishan Township";
    context.location = "东城区人民路 128 号 惠民大药房 Huimin Pharmacy, 128 Renmin Road, Dongcheng";
    context.names = [](const std::string&) {
        return kiosk::PackingListNames{
            "复方氨酚烷胺片（感冒药）成人用 12 片装 × 2 板 铝塑包装",
            "Compound Paracetamol and Amantadine Hydrochloride Tablets, adult, 2 blister strips of 12"};
    };
    context.words = [&words](bool chinese, const std::string& key) {
        return words.text(chinese ? kiosk::Language::Chinese : kiosk::Language::English, key);
    };
    return context;
}

int pages_printed(const std::string& html, const std::string& name, const TempDir& temp) {
    const auto page = temp.path() / (name + ".html");
    std::ofstream(page) << html;
    const auto printed = print_in_chromium(page, temp.path() / (name + ".pdf"), temp.path());
    EXPECT_TRUE(printed.ran) << printed.problem;
    return printed.pages;
}

TEST(PackingListPrint, TheCounterSeesEveryPageOfAPrintedPdf) {
    TempDir temp;
    EXPECT_EQ(pages_printed("<!DOCTYPE html><p>one</p>", "one", temp), 1);
    EXPECT_EQ(pages_printed("<!DOCTYPE html><p style=\"break-after:page\">one</p><p>two</p>", "two", temp),
              2);
}

TEST(PackingListPrint, AnyDispatchAManifestHoldsPrintsOnOneA4PageWithItsFullSizeQr) {
    kiosk::Translations words;
    ASSERT_TRUE(words.load(std::filesystem::path(MEDKIOSK_ASSETS_DIR) / "lang"));
    TempDir temp;
    for (const int lines : {1, 30, storage::kMaxManifestLines}) {
        const auto context = dispatch_of(lines, words);
        ASSERT_LE(context.dispatch.manifest_code.size(), storage::kMaxManifestBytes)
            << "a dispatch the collection point could not send";
        const std::string html = kiosk::packing_list_html(context);
        EXPECT_NE(html.find("width=\"62mm\""), std::string::npos)
            << "the QR keeps the size a camera reads a full manifest at";
        EXPECT_EQ(pages_printed(html, "lines-" + std::to_string(lines), temp), 1)
            << lines << " lines do not fit one A4 page";
    }
}

}  // namespace
}  // namespace medkiosk::test
