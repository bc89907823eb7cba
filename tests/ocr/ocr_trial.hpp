#pragma once
// One generated box face read the way the kiosk reads it: frame after frame through ExpiryOcr (the
// TextReader, the parser and the ≥2-frame agreement), until a proposal or the frame limit. Shared by
// the regression suite and the benchmark so both measure the same thing.

#include <optional>
#include <string>
#include <vector>

#include "label_faces.hpp"
#include "medkiosk/scanner/ocr/expiry_ocr.hpp"

namespace medkiosk::test::ocr {

// The generator's dates are drawn around this day; the reader judges plausibility by it.
constexpr scanner::Date kFaceSetToday{2026, 12, 1};

enum class Outcome { Right, Wrong, None };

struct TrialResult {
    Outcome outcome = Outcome::None;
    std::optional<scanner::ocr::ExpiryOcrProposal> proposal;
    int frames_read = 0;
    double cpu_ms_to_proposal = 0;  // the reading thread's CPU time over the frames it took: the time
                                    // on one dedicated core, whatever else the machine is doing
    double wall_ms_to_proposal = 0;
    std::vector<double> frame_cpu_ms;
    int wrong_frames = 0;                  // frames whose own reading had a wrong date
    std::string last_text;                 // what the last frame read, for a miss report
    std::vector<std::string> frame_notes;  // each frame's reading and lines, for --only
    FaceTruth truth;
};

struct TrialOptions {
    int max_frames = 6;
    bool use_face_region = false;  // read only inside the face's quadrilateral, as the donor flow does
};

TrialResult run_trial(scanner::ocr::ExpiryOcr& ocr, const FaceScene& scene, const TrialOptions& options);
std::string describe(const TrialResult& trial);

scanner::ocr::Quad to_quad(const std::array<cv::Point2f, 4>& corners);
scanner::ocr::ExpiryOcrOptions face_set_options();  // the kiosk's defaults, judged by kFaceSetToday

struct TrialSummary {
    int right = 0, wrong = 0, none = 0, wrong_frames = 0, batch_right = 0;
    int faces_with_expiry = 0, proposals_without_expiry = 0;
    std::vector<double> frame_cpu_ms, proposal_cpu_ms, proposal_wall_ms;
    void add(const TrialResult& trial);
};

}  // namespace medkiosk::test::ocr
