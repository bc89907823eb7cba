// Catalogue CSV: the sample file imports, and every kind of bad row is reported with line and column.

#include "medkiosk/kiosk/catalogue_import.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace medkiosk::kiosk {
namespace {

constexpr const char* kHeader =
    "product_id,name_zh,name_en,form,strength,category,prescription,controlled,cold_chain,injectable,"
    "device\n";

std::string read_sample() {
    std::ifstream in(std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv", std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool has_problem(const CatalogueParse& parse, int line, const std::string& column) {
    for (const auto& p : parse.problems)
        if (p.line == line && p.column == column) return true;
    return false;
}

TEST(CatalogueImport, TheSampleCatalogueImportsWithChineseNamesAndThermometers) {
    const auto parse = parse_catalogue_csv(read_sample());
    ASSERT_TRUE(parse.ok()) << parse.problems.front().line << " " << parse.problems.front().column << " "
                            << parse.problems.front().why;
    EXPECT_GE(parse.entries.size(), 10u);
    bool thermometer = false, fever = false, cough = false, antiviral = false;
    for (const auto& e : parse.entries) {
        thermometer |= e.device && e.name_en.find("thermometer") != std::string::npos;
        fever |= e.category == "fever";
        cough |= e.category == "cough";
        antiviral |= e.category == "antiviral";
        EXPECT_FALSE(e.name_zh.empty());
    }
    EXPECT_TRUE(thermometer && fever && cough && antiviral);
    EXPECT_EQ(parse.entries.front().name_zh, "对乙酰氨基酚片");
    // Export gives back the same entries.
    const auto again = parse_catalogue_csv(catalogue_to_csv(parse.entries));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.entries, parse.entries);
}

TEST(CatalogueImport, QuotingBomAnyColumnOrderAndShortGtins) {
    const std::string text =
        "\xEF\xBB\xBF"
        "name_en,product_id,name_zh,form,strength,category,prescription,controlled,"
        "cold_chain,injectable,device\r\n"
        "\"Cough syrup, \"\"cherry\"\"\",6900000000014,止咳糖浆,syrup,,cough,no,no,no,no,no\r\n"
        "\"Line\nbreak\",8123456,名称,tablet,1 mg,cold,1,0,0,0,0\r\n";
    const auto parse = parse_catalogue_csv(text);
    ASSERT_TRUE(parse.ok()) << parse.problems.front().why;
    ASSERT_EQ(parse.entries.size(), 2u);
    EXPECT_EQ(parse.entries[0].name_en, "Cough syrup, \"cherry\"");
    EXPECT_EQ(parse.entries[0].product_id, "06900000000014");
    EXPECT_EQ(parse.entries[1].product_id, "8123456");
    EXPECT_TRUE(parse.entries[1].prescription);
}

TEST(CatalogueImport, EveryBadRowIsReportedAndNothingIsKept) {
    const std::string text =
        std::string(kHeader) +
        "06900000000014,对乙酰氨基酚片,Paracetamol,tablet,500 mg,fever,0,0,0,0,0\n"  // 2 ok
        "06900000000015,布洛芬,Ibuprofen,tablet,,fever,0,0,0,0,0\n"                  // 3 check digit
        "06900000000021,,Ibuprofen,tablet,,fever,0,0,0,0,0\n"                        // 4 no zh name
        "06900000000038,名,Name,tablet,,Fever!,0,0,0,0,0\n"                          // 5 category
        "06900000000045,名,Name,tablet,,fever,maybe,0,0,0,0\n"                       // 6 flag
        "06900000000014,名,Name,tablet,,fever,0,0,0,0,0\n"                           // 7 duplicate
        "06900000000052,名,Name,tablet\n";                                           // 8 short row
    const auto parse = parse_catalogue_csv(text);
    EXPECT_FALSE(parse.ok());
    EXPECT_TRUE(parse.entries.empty()) << "all or nothing";
    EXPECT_TRUE(has_problem(parse, 3, "product_id"));
    EXPECT_TRUE(has_problem(parse, 4, "name_zh"));
    EXPECT_TRUE(has_problem(parse, 5, "category"));
    EXPECT_TRUE(has_problem(parse, 6, "prescription"));
    EXPECT_TRUE(has_problem(parse, 7, "product_id"));
    EXPECT_TRUE(has_problem(parse, 8, ""));
    EXPECT_EQ(parse.problems.size(), 6u);
}

TEST(CatalogueImport, HeaderProblemsEncodingAndEmptyFiles) {
    EXPECT_FALSE(parse_catalogue_csv("").ok());
    const auto missing = parse_catalogue_csv("product_id,name_zh,colour\n");
    EXPECT_TRUE(has_problem(missing, 1, "colour"));
    EXPECT_TRUE(has_problem(missing, 1, "device"));
    // "止咳" in GBK is not UTF-8.
    const auto gbk =
        parse_catalogue_csv(std::string(kHeader) + "8123456,\xD6\xB9\xBF\xC8,Cough,syrup,,cough,0,0,0,0,0\n");
    ASSERT_FALSE(gbk.ok());
    EXPECT_EQ(gbk.problems.front().line, 2);
    EXPECT_NE(gbk.problems.front().why.find("UTF-8"), std::string::npos);
    const auto unclosed =
        parse_catalogue_csv(std::string(kHeader) + "8123456,\"open,Cough,syrup,,cough,0,0,0,0,0\n");
    EXPECT_FALSE(unclosed.ok());
}

TEST(CatalogueImport, NulBytesInsideFieldsAreRefusedNamingLineAndColumn) {
    const std::string nul(1, '\0');
    const std::string text =
        std::string(kHeader) +
        "06900000000014,对乙酰氨基酚片,Paracetamol,tablet,500 mg,fever,0,0,0,0,0\n" +  // 2 ok
        "06900000000021,布洛芬" + nul + "X,Ibuprofen,tablet,,fever,0,0,0,0,0\n" +      // 3
        "8123456,\"Cough\nsyrup\",\"Co" + nul + "ugh\",syrup,,cough,0,0,0,0,0\n";      // 4-5
    const auto parse = parse_catalogue_csv(text);
    ASSERT_FALSE(parse.ok());
    EXPECT_TRUE(parse.entries.empty());
    EXPECT_TRUE(has_problem(parse, 3, "name_zh")) << "line 3, name_zh";
    // A quoted field over two lines: the NUL's own line.
    EXPECT_TRUE(has_problem(parse, 5, "name_en")) << "line 5, name_en";
    EXPECT_EQ(parse.problems.size(), 2u);
    EXPECT_NE(parse.problems.front().why.find("NUL"), std::string::npos) << parse.problems.front().why;
    // In the header, by position.
    std::string header(kHeader);
    header.insert(3, 1, '\0');
    const auto bad_header = parse_catalogue_csv(header);
    EXPECT_TRUE(has_problem(bad_header, 1, "column 1"));
}

}  // namespace
}  // namespace medkiosk::kiosk
