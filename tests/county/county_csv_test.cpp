// The bureau's CSV files: good ones with Chinese, quotes and a BOM are read; garbage is refused
// whole with every problem's line and column.

#include "medkiosk/kiosk/county_csv.hpp"

#include <gtest/gtest.h>

namespace medkiosk::kiosk {
namespace {

bool has(const std::vector<CsvProblem>& problems, int line, int column_number, const std::string& column) {
    for (const auto& p : problems)
        if (p.line == line && p.column_number == column_number && p.column == column) return true;
    return false;
}

std::string listed(const std::vector<CsvProblem>& problems) {
    std::string text;
    for (const auto& p : problems) text += describe(p, "f.csv") + "\n";
    return text;
}

TEST(CountyCsv, ClinicsWithChineseKindsQuotesAndABomAreRead) {
    const auto parse = parse_clinics_csv(
        "\xEF\xBB\xBF"
        "clinic_id,name_zh,name_en,kind,township_zh,township_en,latitude,longitude\r\n"
        "shitang-vc,石塘村卫生室,\"Shitang Village Clinic, north\",村卫生室,石塘镇,Shitang,23.1,113.3\r\n"
        "hexi,河西镇卫生院,Hexi Township Health Centre,Township Health Centre,河西镇,Hexi,,\r\n");
    ASSERT_TRUE(parse.ok()) << listed(parse.problems);
    ASSERT_EQ(parse.rows.size(), 2u);
    EXPECT_EQ(parse.rows[0].kind, "village-clinic");
    EXPECT_EQ(parse.rows[0].name_en, "Shitang Village Clinic, north");
    EXPECT_DOUBLE_EQ(*parse.rows[0].latitude, 23.1);
    EXPECT_EQ(parse.rows[1].kind, "township-health-centre");
    EXPECT_FALSE(parse.rows[1].latitude.has_value());
}

TEST(CountyCsv, BadClinicsAreRefusedWithLineAndColumn) {
    const auto parse = parse_clinics_csv(
        "clinic_id,name_zh,name_en,kind,township_zh,township_en,latitude,longitude\n"
        "Bad Id,名,Name,village-clinic,镇,T,,\n"   // line 2: id
        "ok1,名,Name,hospital,镇,T,,\n"            // line 3: kind
        "ok2,,Name,village-clinic,镇,T,95,\n"      // line 4: name_zh, latitude, longitude
        "ok1,名,Name,village-clinic,镇,T,,\n"      // line 5: duplicate id
        "ok3,名,Name,village-clinic,镇\n"          // line 6: too few fields
        "other,名,Name,village-clinic,镇,T,,\n");  // line 7: reserved id
    EXPECT_FALSE(parse.ok());
    EXPECT_TRUE(parse.rows.empty());
    EXPECT_TRUE(has(parse.problems, 2, 1, "clinic_id")) << listed(parse.problems);
    EXPECT_TRUE(has(parse.problems, 3, 4, "kind")) << listed(parse.problems);
    EXPECT_TRUE(has(parse.problems, 4, 2, "name_zh")) << listed(parse.problems);
    EXPECT_TRUE(has(parse.problems, 4, 7, "latitude")) << listed(parse.problems);
    EXPECT_TRUE(has(parse.problems, 4, 8, "longitude")) << listed(parse.problems);
    EXPECT_TRUE(has(parse.problems, 5, 1, "clinic_id")) << listed(parse.problems);
    EXPECT_TRUE(has(parse.problems, 6, 0, "")) << listed(parse.problems);
    EXPECT_TRUE(has(parse.problems, 7, 1, "clinic_id")) << listed(parse.problems);
    EXPECT_NE(listed(parse.problems).find("f.csv:3:4: kind: must be township-health-centre"),
              std::string::npos)
        << listed(parse.problems);
}

TEST(CountyCsv, HeadersBytesAndEmptyFilesAreRefusedClearly) {
    EXPECT_TRUE(has(parse_clinics_csv("clinic_id,name_zh\n").problems, 1, 0, "kind"));
    EXPECT_TRUE(
        has(parse_requests_csv("clinic_id,category,quantity,needed_by,colour\n").problems, 1, 5, "colour"));
    EXPECT_TRUE(has(parse_requests_csv("clinic_id,clinic_id,category,quantity,needed_by\n").problems, 1, 2,
                    "clinic_id"));
    EXPECT_FALSE(parse_requests_csv("").ok());
    // GBK bytes for 石塘 on line 2.
    const auto gbk = parse_requests_csv(
        "clinic_id,category,quantity,needed_by,note\nc,fever,1,2027-01-01,\xCA\xAF\xCC\xC1\n");
    ASSERT_FALSE(gbk.ok());
    EXPECT_EQ(gbk.problems[0].line, 2);
    EXPECT_NE(gbk.problems[0].why.find("UTF-8"), std::string::npos);
    EXPECT_FALSE(parse_requests_csv("clinic_id,category,quantity,needed_by\n\"c,fever,1,2027-01-01\n").ok());
}

TEST(CountyCsv, ANeededByDateInThePastOrMoreThanTwoYearsAheadIsRefusedWithTheLatestDay) {
    const auto parse = parse_requests_csv(
        "clinic_id,category,quantity,needed_by\n"
        "shitang-vc,fever,1,2026-12-03\n"
        "shitang-vc,fever,1,2028-12-03\n"
        "shitang-vc,fever,1,2028-12-04\n"
        "shitang-vc,fever,1,9999-12-31\n"
        "shitang-vc,fever,1,2026-12-02\n",
        "2026-12-03");
    EXPECT_FALSE(has(parse.problems, 2, 4, "needed_by")) << "today is a day a clinic can need packs";
    EXPECT_FALSE(has(parse.problems, 3, 4, "needed_by")) << "two years ahead is the last day allowed";
    EXPECT_TRUE(has(parse.problems, 4, 4, "needed_by")) << listed(parse.problems);
    EXPECT_TRUE(has(parse.problems, 5, 4, "needed_by")) << listed(parse.problems);
    EXPECT_TRUE(has(parse.problems, 6, 4, "needed_by")) << listed(parse.problems);
    EXPECT_NE(listed(parse.problems)
                  .find("9999-12-31 is more than two years ahead: check the year; the latest is "
                        "2028-12-03"),
              std::string::npos)
        << listed(parse.problems);
    EXPECT_NE(listed(parse.problems).find("2026-12-02 is in the past"), std::string::npos)
        << listed(parse.problems);

    storage::ClinicRequestInput typed{1, "shitang-vc", "fever", 1, "9999-12-31", ""};
    EXPECT_EQ(check_request(typed, "2026-12-03").size(), 1u) << "the command line's request too";
    EXPECT_TRUE(check_request(typed).empty()) << "without a day, the date's form only";
    // From a 29 February, as the hub's date arithmetic: the last of February two years on.
    typed.needed_by = "2030-02-28";
    EXPECT_TRUE(check_request(typed, "2028-02-29").empty());
    typed.needed_by = "2030-03-01";
    EXPECT_EQ(check_request(typed, "2028-02-29").size(), 1u);
}

TEST(CountyCsv, RequestsAreReadAndGarbageNamedByLineAndColumn) {
    const auto good = parse_requests_csv(
        "needed_by,clinic_id,category,quantity,note\n2027-01-10,shitang-vc,fever,20,\"winter, urgent\"\n");
    ASSERT_TRUE(good.ok()) << listed(good.problems);
    ASSERT_EQ(good.rows.size(), 1u);
    EXPECT_EQ(good.rows[0].quantity, 20);
    EXPECT_EQ(good.rows[0].line, 2);
    EXPECT_EQ(good.rows[0].note, "winter, urgent");

    const auto bad = parse_requests_csv(
        "clinic_id,category,quantity,needed_by\n"
        "shitang-vc,fever,-3,2027-01-10\n"
        "shitang-vc,Fever!,1e3,2027-02-30\n"
        "shitang-vc,fever,0,10/01/2027\n"
        "shitang-vc,fever,100001,2027-01-10\n");
    EXPECT_TRUE(bad.rows.empty());
    EXPECT_TRUE(has(bad.problems, 2, 3, "quantity")) << listed(bad.problems);
    EXPECT_TRUE(has(bad.problems, 3, 2, "category")) << listed(bad.problems);
    EXPECT_TRUE(has(bad.problems, 3, 3, "quantity")) << listed(bad.problems);
    EXPECT_TRUE(has(bad.problems, 3, 4, "needed_by")) << listed(bad.problems);
    EXPECT_TRUE(has(bad.problems, 4, 3, "quantity")) << listed(bad.problems);
    EXPECT_TRUE(has(bad.problems, 4, 4, "needed_by")) << listed(bad.problems);
    EXPECT_TRUE(has(bad.problems, 5, 3, "quantity")) << listed(bad.problems);
    EXPECT_EQ(bad.problems.size(), 7u) << listed(bad.problems);
}

TEST(CountyCsv, DistancesAreReadAndGarbageRefused) {
    const auto good = parse_distances_csv("kiosk_id,clinic_id,km\ncp-a,shitang-vc,12.5\ncp-b,shitang-vc,0\n");
    ASSERT_TRUE(good.ok()) << listed(good.problems);
    EXPECT_DOUBLE_EQ(good.rows[0].km, 12.5);
    const auto bad =
        parse_distances_csv("kiosk_id,clinic_id,km\ncp-a,shitang-vc,far\ncp-a,shitang-vc,3\nCP A,x,-1\n");
    EXPECT_TRUE(has(bad.problems, 2, 3, "km")) << listed(bad.problems);
    EXPECT_TRUE(has(bad.problems, 3, 2, "clinic_id")) << listed(bad.problems);  // the pair again
    EXPECT_TRUE(has(bad.problems, 4, 1, "kiosk_id")) << listed(bad.problems);
    EXPECT_TRUE(has(bad.problems, 4, 3, "km")) << listed(bad.problems);
}

}  // namespace
}  // namespace medkiosk::kiosk
