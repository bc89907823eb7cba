// The packing list is an HTML page printed at the collection point: names typed by staff or read from
// the catalogue must arrive as text, never as markup.

#include "medkiosk/kiosk/packing_list.hpp"

#include <gtest/gtest.h>

#include "medkiosk/kiosk/html_escape.hpp"

namespace medkiosk::kiosk {
namespace {

TEST(HtmlEscape, EveryCharacterThatEndsAnElementOrAnAttributeIsEscaped) {
    EXPECT_EQ(html_escape(R"(<a href="x" title='y'>&</a>)"),
              "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    EXPECT_EQ(html_escape("东镇卫生院 Dongcheng"), "东镇卫生院 Dongcheng") << "other text is kept as it is";
}

TEST(PackingList, NamesTypedByStaffOrFromTheCatalogueCannotAddMarkup) {
    PackingListContext context;
    context.dispatch.dispatch.clinic = "<img src=x onerror=alert(1)>";  // typed, matches no clinic
    context.location = "Shop 'A' & co";
    context.dispatch.manifest.kiosk_id = "kiosk-1";
    context.dispatch.manifest.dispatched_on = "2026-12-03";
    context.dispatch.manifest.lines.push_back({1, "06901234567892", "2027-05-31", "fever", 2});
    context.dispatch.manifest_code = "MK1|test";
    context.names = [](const std::string&) { return PackingListNames{"<script>x()</script>", "O\"Brien"}; };
    context.words = [](bool, const std::string& key) { return key; };

    const std::string page = packing_list_html(context);
    EXPECT_EQ(page.find("<img"), std::string::npos) << page;
    EXPECT_EQ(page.find("<script"), std::string::npos) << page;
    EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos)
        << "the typed name, as text";
    EXPECT_NE(page.find("Shop &#39;A&#39; &amp; co"), std::string::npos);
    EXPECT_NE(page.find("O&quot;Brien"), std::string::npos);
}

}  // namespace
}  // namespace medkiosk::kiosk
