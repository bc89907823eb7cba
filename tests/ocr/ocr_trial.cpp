#include "ocr_trial.hpp"

#include <chrono>
#include <opencv2/imgproc.hpp>

namespace medkiosk::test::ocr {

scanner::ocr::Quad to_quad(const std::array<cv::Point2f, 4>& corners) {
    scanner::ocr::Quad quad{};
    for (std::size_t i = 0; i < 4; ++i) quad[i] = scanner::ocr::PointF{corners[i].x, corners[i].y};
    return quad;
}

scanner::ocr::ExpiryOcrOptions face_set_options() {
    scanner::ocr::ExpiryOcrOptions options;
    options.today = kFaceSetToday;
    return options;
}

TrialResult run_trial(scanner::ocr::ExpiryOcr& ocr, const FaceScene& scene, const TrialOptions& options) {
    TrialResult trial;
    trial.truth = scene.truth();
    ocr.start_pack();
    for (int frame_number = 0; frame_number < options.max_frames; ++frame_number) {
        cv::Mat grey;
        cv::cvtColor(scene.frame(frame_number), grey, cv::COLOR_BGR2GRAY);
        std::optional<scanner::ocr::Quad> region;
        if (options.use_face_region) region = to_quad(scene.face_quad(frame_number));
        const auto start = std::chrono::steady_clock::now();
        const auto outcome =
            ocr.read(scanner::ocr::GreyImage{grey.cols, grey.rows, grey.data, grey.step}, region);
        trial.wall_ms_to_proposal +=
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        trial.frame_cpu_ms.push_back(outcome.cpu_ms);
        trial.cpu_ms_to_proposal += outcome.cpu_ms;
        ++trial.frames_read;
        trial.last_text = outcome.lines.joined();
        const auto& reading = outcome.reading;
        std::string note =
            "frame " + std::to_string(frame_number) + " (" +
            std::to_string(static_cast<int>(outcome.cpu_ms)) + " ms, " +
            std::to_string(outcome.lines.recognised) + "/" + std::to_string(outcome.lines.candidates) +
            " lines): " + (reading.expiry ? scanner::to_iso(*reading.expiry) : std::string("-")) +
            (reading.contradictory ? " CONTRADICTORY" : "") + " {";
        for (char c : trial.last_text) note += c == '\n' ? std::string(" | ") : std::string(1, c);
        trial.frame_notes.push_back(note + "}");
        if (reading.expiry &&
            (reading.expiry != trial.truth.expiry || reading.precision != trial.truth.precision))
            ++trial.wrong_frames;
        if (outcome.proposal) {
            trial.proposal = outcome.proposal;
            const bool right = outcome.proposal->expiry == trial.truth.expiry &&
                               outcome.proposal->precision == trial.truth.precision;
            trial.outcome = right ? Outcome::Right : Outcome::Wrong;
            return trial;
        }
    }
    return trial;
}

std::string describe(const TrialResult& trial) {
    std::string text = trial.outcome == Outcome::Right   ? "right"
                       : trial.outcome == Outcome::Wrong ? "WRONG"
                                                         : "none";
    text += ": expected " + (trial.truth.expiry ? scanner::to_iso(*trial.truth.expiry) : std::string("-"));
    if (trial.proposal)
        text += ", proposed " + scanner::to_iso(trial.proposal->expiry) + " (batch \"" +
                trial.proposal->batch + "\", printed \"" + trial.truth.batch + "\")";
    text += " after " + std::to_string(trial.frames_read) + " frames [" + trial.truth.form + ", " +
            trial.truth.layout + ", " + trial.truth.ink + ", " + trial.truth.label_font + "/" +
            trial.truth.value_font + ", " + std::to_string(static_cast<int>(trial.truth.text_px)) +
            " px, roll " + std::to_string(static_cast<int>(trial.truth.roll_degrees)) + "]; printed {";
    for (const auto& line : trial.truth.printed_lines) text += line + " | ";
    text += "} last read {";
    for (char c : trial.last_text) text += c == '\n' ? std::string(" | ") : std::string(1, c);
    text += "}";
    return text;
}

void TrialSummary::add(const TrialResult& trial) {
    frame_cpu_ms.insert(frame_cpu_ms.end(), trial.frame_cpu_ms.begin(), trial.frame_cpu_ms.end());
    wrong_frames += trial.wrong_frames;
    if (trial.truth.expiry)
        ++faces_with_expiry;
    else if (trial.proposal)
        ++proposals_without_expiry;
    switch (trial.outcome) {
        case Outcome::Right:
            ++right;
            proposal_cpu_ms.push_back(trial.cpu_ms_to_proposal);
            proposal_wall_ms.push_back(trial.wall_ms_to_proposal);
            if (trial.proposal && trial.proposal->batch == trial.truth.batch) ++batch_right;
            break;
        case Outcome::Wrong:
            ++wrong;
            break;
        case Outcome::None:
            ++none;
            break;
    }
}

}  // namespace medkiosk::test::ocr
