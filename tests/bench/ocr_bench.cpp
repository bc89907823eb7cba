// OCR benchmark: reads generated box faces (tests/ocr/label_faces.hpp: every printed form, layout,
// font family, ink, colour, roll, tilt, blur, glare, JPEG) the way the kiosk does — newest frame
// only, one at a time, ≥ 2 agreeing frames — and prints how many expiries were proposed right, wrong
// or not at all, per printed form, and how long a steady face takes to get a proposal on one core.
//
// Baseline, measured in the same run on the same faces (every face; --baseline-every N for every Nth),
// printed beside the reader's figures, per printed form too:
//   always (unless --no-baseline): Tesseract's own page layout analysis on the whole frame (PSM_AUTO,
//     the same model), the same parser and the same ≥ 2-frame agreement: the simplest reader;
//   also with --baseline-ctl PATH: another build's reader, through its `medkioskctl ocr --json` (e.g. main's,
//   to
//     show what this branch changes): the face's frames are written to a private temporary folder,
//     read in one call (one model load), and the per-frame readings put through the same ≥ 2-frame
//     agreement; its CPU time per frame includes that model load. It reads each frame on its own
//     (no hints from the frame before), so its time is not comparable with the kiosk's.
//
// Targets (issue 14), checked on the seeds given (by default the gate seeds, never used to tune):
//   right date and precision on ≥ 90% of the faces with a legible expiry; 0 wrong dates; nothing
//   proposed on faces with none; each printed form ≥ 80%; steady face → proposal ≤ 1500 ms of one
//   core on 1080p frames (95th percentile; 720p and the maximum are printed too). Exits 1 when one is
//   missed (not with --smoke).
//
// usage: ocr_bench [--faces N] [--seed S]... [--max-frames K] [--region] [--no-baseline]
//                  [--baseline-ctl PATH] [--baseline-every N] [--smoke] [--only INDEX] [--dump DIR]
//                  [--budget-ms MS (the reader's per-frame CPU budget)] [--notes (every frame's reading)]

#include <sys/resource.h>
#include <tesseract/baseapi.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "label_faces.hpp"
#include "medkiosk/scanner/ocr/agreement.hpp"
#include "medkiosk/scanner/ocr/expiry_ocr.hpp"
#include "medkiosk/scanner/ocr/expiry_text.hpp"
#include "ocr_trial.hpp"

namespace {

using namespace medkiosk;

// Seeds the reader was never tuned on (development used 1001–1003).
constexpr std::array<std::uint64_t, 2> kGateSeeds{52711, 90417};

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

struct Counts {
    int right = 0, wrong = 0, none = 0;
    int total() const { return right + wrong + none; }
    void add(test::ocr::Outcome outcome) {
        (outcome == test::ocr::Outcome::Right   ? right
         : outcome == test::ocr::Outcome::Wrong ? wrong
                                                : none)++;
    }
};

// One reader's outcomes: over all faces, and per printed form (the same keys for every reader).
struct Tally {
    Counts all;
    std::map<std::string, Counts> by_form;
    void add(const test::ocr::FaceTruth& truth, test::ocr::Outcome outcome) {
        all.add(outcome);
        by_form[truth.form].add(outcome);
    }
};

test::ocr::Outcome judge(const std::optional<scanner::ocr::ExpiryReading>& agreed,
                         const test::ocr::FaceTruth& truth) {
    if (!agreed) return test::ocr::Outcome::None;
    return agreed->expiry == truth.expiry && agreed->precision == truth.precision ? test::ocr::Outcome::Right
                                                                                  : test::ocr::Outcome::Wrong;
}

std::string share(const Counts& counts) {
    return counts.total()
               ? std::to_string(static_cast<int>(100.0 * counts.right / counts.total() + 0.5)) + "%"
               : "-";
}

// The baseline: Tesseract lays out and reads the whole frame itself (the simplest reader there is), then
// the same parser and the same ≥ 2-frame agreement.
struct Baseline {
    tesseract::TessBaseAPI api;
    bool ready = false;
    Tally tally;
    std::vector<double> frame_cpu_ms, proposal_cpu_ms;

    explicit Baseline(const std::string& tessdata) {
        api.SetVariable("debug_file", "/dev/null");
        ready = api.Init(tessdata.c_str(), "chi_sim", tesseract::OEM_LSTM_ONLY) == 0;
        api.SetPageSegMode(tesseract::PSM_AUTO);
    }
    void run(const test::ocr::FaceScene& scene, int max_frames) {
        scanner::ocr::ReadingAgreement agreement;
        scanner::ocr::ParseOptions parse;
        parse.today = test::ocr::kFaceSetToday;
        double to_proposal = 0;
        std::optional<scanner::ocr::ExpiryReading> agreed;
        for (int frame_number = 0; frame_number < max_frames && !agreed; ++frame_number) {
            cv::Mat grey;
            cv::cvtColor(scene.frame(frame_number), grey, cv::COLOR_BGR2GRAY);
            const double start = thread_cpu_ms();
            api.SetImage(grey.data, grey.cols, grey.rows, 1, static_cast<int>(grey.step));
            std::unique_ptr<char[]> text(api.GetUTF8Text());
            frame_cpu_ms.push_back(thread_cpu_ms() - start);
            to_proposal += frame_cpu_ms.back();
            agreement.add(scanner::ocr::parse_expiry_text(text ? text.get() : "", parse));
            agreed = agreement.agreed();
        }
        const test::ocr::Outcome outcome = judge(agreed, scene.truth());
        if (outcome == test::ocr::Outcome::Right) proposal_cpu_ms.push_back(to_proposal);
        tally.add(scene.truth(), outcome);
    }
};

// The baseline of another build's reader: its `medkioskctl ocr --json`, one image per frame, and
// the same agreement over its per-frame readings.
struct CtlBaseline {
    std::string ctl;
    std::filesystem::path dir;  // private temporary folder for the frames, removed at the end
    std::vector<std::pair<test::ocr::FaceTruth, std::vector<std::string>>> faces;
    Tally tally;
    int frames = 0;  // frames read (all of each face's, in the one call)
    double cpu_ms = 0;
    std::string error;

    explicit CtlBaseline(std::string path) : ctl(std::move(path)) {
        std::string pattern = (std::filesystem::temp_directory_path() / "ocr_bench_XXXXXX").string();
        if (mkdtemp(pattern.data()))
            dir = pattern;
        else
            error = "cannot make a temporary folder for the baseline's frames";
    }
    ~CtlBaseline() {
        std::error_code ec;
        if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
    CtlBaseline(const CtlBaseline&) = delete;
    CtlBaseline& operator=(const CtlBaseline&) = delete;

    void add(const test::ocr::FaceScene& scene, int max_frames) {
        std::vector<std::string> files;
        for (int n = 0; n < max_frames && error.empty(); ++n) {
            std::string name = "f";
            name.append(std::to_string(faces.size())).append("-").append(std::to_string(n)).append(".png");
            const auto file = dir / name;
            if (!cv::imwrite(file.string(), scene.frame(n), {cv::IMWRITE_PNG_COMPRESSION, 1}))
                error = "cannot write " + file.string();
            files.push_back(file.string());
        }
        faces.emplace_back(scene.truth(), std::move(files));
    }

    int faces_without_expiry() const {
        return static_cast<int>(
            std::count_if(faces.begin(), faces.end(), [](const auto& face) { return !face.first.expiry; }));
    }

    // Reads every frame in one call, then judges each face by the agreement over its frames.
    void run() {
        if (!error.empty() || faces.empty()) return;
        // Paths are quoted for the shell; ours never hold a quote (mkdtemp), the ctl path is refused if it
        // does.
        if (ctl.find('\'') != std::string::npos) {
            error = "the baseline's path holds a quote: " + ctl;
            return;
        }
        std::string command;
        auto append_quoted = [&command](const std::string& word) {
            command.push_back(' ');
            command.push_back('\'');
            command.append(word);
            command.push_back('\'');
        };
        append_quoted(ctl);
        command.append(" ocr --json");
        for (const auto& [truth, files] : faces) {
            for (const auto& file : files) append_quoted(file);
            frames += static_cast<int>(files.size());
        }
        command += " 2>/dev/null";
        rusage before{}, after{};
        getrusage(RUSAGE_CHILDREN, &before);
        FILE* pipe = popen(command.c_str(), "r");
        if (!pipe) {
            error = "cannot run " + ctl;
            return;
        }
        std::map<std::string, scanner::ocr::ExpiryReading> by_file;
        std::string line;
        for (int c = std::fgetc(pipe); c != EOF; c = std::fgetc(pipe)) {
            if (c != '\n') {
                line += static_cast<char>(c);
                continue;
            }
            const auto json = nlohmann::json::parse(line, nullptr, false);
            line.clear();
            if (!json.is_object() || !json.contains("file")) continue;
            scanner::ocr::ExpiryReading reading;
            if (json.contains("expiry") && json["expiry"].is_string())
                reading.expiry = scanner::parse_iso_date(json["expiry"].get<std::string>());
            if (json.value("expiry_precision", std::string()) == "month")
                reading.precision = scanner::ExpiryPrecision::Month;
            by_file[json["file"].get<std::string>()] = reading;
        }
        const int status = pclose(pipe);
        getrusage(RUSAGE_CHILDREN, &after);
        auto ms = [](const rusage& u) {
            return (static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_stime.tv_sec)) * 1e3 +
                   (static_cast<double>(u.ru_utime.tv_usec) + static_cast<double>(u.ru_stime.tv_usec)) / 1e3;
        };
        cpu_ms = ms(after) - ms(before);
        if (by_file.empty()) {
            error = ctl + " read no frame (exit status " + std::to_string(status) + ")";
            return;
        }
        for (const auto& [truth, files] : faces) {
            scanner::ocr::ReadingAgreement agreement;
            std::optional<scanner::ocr::ExpiryReading> agreed;
            for (const auto& file : files) {
                agreement.add(by_file[file]);
                if ((agreed = agreement.agreed())) break;
            }
            tally.add(truth, judge(agreed, truth));
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    // "On one core": Tesseract's OpenMP threads are capped through the environment, which libgomp
    // reads at start-up, so re-run ourselves once with the cap set.
    if (!std::getenv("OMP_THREAD_LIMIT")) {
        setenv("OMP_THREAD_LIMIT", "1", 1);
        execv("/proc/self/exe", argv);
    }
    int faces = 84;  // per seed: 6 of each of the 14 forms (13 printed forms and "none")
    std::vector<std::uint64_t> seeds;
    int max_frames = 6;
    int only = -1;
    bool smoke = false, region = false, baseline_wanted = true;
    std::string dump_dir, baseline_ctl;
    int baseline_every = 1;
    double budget_ms = -1;  // < 0: the kiosk's default
    bool notes = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--faces" && i + 1 < argc)
            faces = std::atoi(argv[++i]);
        else if (arg == "--seed" && i + 1 < argc)
            seeds.push_back(std::strtoull(argv[++i], nullptr, 10));
        else if (arg == "--max-frames" && i + 1 < argc)
            max_frames = std::atoi(argv[++i]);
        else if (arg == "--only" && i + 1 < argc)
            only = std::atoi(argv[++i]);
        else if (arg == "--dump" && i + 1 < argc)
            dump_dir = argv[++i];
        else if (arg == "--baseline-ctl" && i + 1 < argc)
            baseline_ctl = argv[++i];
        else if (arg == "--baseline-every" && i + 1 < argc)
            baseline_every = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--budget-ms" && i + 1 < argc)
            budget_ms = std::atof(argv[++i]);
        else if (arg == "--notes")
            notes = true;
        else if (arg == "--region")
            region = true;
        else if (arg == "--no-baseline")
            baseline_wanted = false;
        else if (arg == "--smoke")
            smoke = true;
        else {
            std::cerr
                << "usage: ocr_bench [--faces N] [--seed S]... [--max-frames K] [--region] [--no-baseline]"
                   " [--baseline-ctl PATH] [--baseline-every N] [--smoke] [--only INDEX] [--dump DIR]"
                   " [--budget-ms MS] [--notes]\n";
            return 2;
        }
    }
    if (seeds.empty()) seeds.assign(kGateSeeds.begin(), kGateSeeds.end());
    if (smoke) {
        faces = 2;
        seeds.resize(1);
        baseline_wanted = false;
    }
    const auto fonts = test::ocr::find_label_fonts();
    if (fonts.size() < 8) {
        std::cerr << "ocr_bench: fontconfig found " << fonts.size()
                  << " of the face fonts; run deploy/setup.sh (fonts-noto-cjk, fonts-wqy-*, fonts-arphic-*, "
                     "fonts-dejavu-core, fonts-liberation2, fonts-noto-mono, fonts-droid-fallback)\n";
        return 1;
    }
    const auto open_start = std::chrono::steady_clock::now();
    scanner::ocr::ExpiryOcrOptions ocr_options = test::ocr::face_set_options();
    if (budget_ms >= 0) ocr_options.reader.budget_ms = budget_ms;
    auto opened = scanner::ocr::ExpiryOcr::open(ocr_options);
    if (!opened.ocr) {
        std::cerr << "ocr_bench: " << opened.error << "\n";
        return 1;
    }
    const double open_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - open_start).count();
    std::unique_ptr<Baseline> baseline;
    std::unique_ptr<CtlBaseline> ctl_baseline;
    // Both baselines when another build is given: the simplest reader and the previous one.
    if (baseline_wanted && !baseline_ctl.empty()) ctl_baseline = std::make_unique<CtlBaseline>(baseline_ctl);
    if (baseline_wanted) {
        baseline = std::make_unique<Baseline>(scanner::ocr::find_tessdata_dir("chi_sim").dir);
        if (!baseline->ready) baseline.reset();
    }

    test::ocr::TrialSummary summary;
    Tally reader;
    std::map<std::string, Counts> by_layout, by_ink;
    // Steady face → proposal, CPU ms of the reading thread, by frame height (the target is on 1080p).
    std::map<int, std::vector<double>> proposal_cpu_by_height;
    test::ocr::TrialOptions trial_options;
    trial_options.max_frames = max_frames;
    trial_options.use_face_region = region;
    int total = 0;
    for (const std::uint64_t seed : seeds) {
        for (int index = 0; index < faces; ++index) {
            if (only >= 0 && index != only) continue;
            const test::ocr::FaceScene scene(index, seed, fonts);
            if (!dump_dir.empty())
                cv::imwrite(dump_dir + "/face" + std::to_string(seed) + "-" + std::to_string(index) + ".jpg",
                            scene.frame(0));
            const test::ocr::TrialResult trial = test::ocr::run_trial(*opened.ocr, scene, trial_options);
            summary.add(trial);
            ++total;
            reader.add(scene.truth(), trial.outcome);
            by_layout[scene.truth().layout].add(trial.outcome);
            by_ink[scene.truth().ink].add(trial.outcome);
            if (trial.outcome == test::ocr::Outcome::Right)
                proposal_cpu_by_height[scene.spec().frame_size.height].push_back(trial.cpu_ms_to_proposal);
            const bool miss = scene.truth().expiry ? trial.outcome != test::ocr::Outcome::Right
                                                   : trial.proposal.has_value();
            if (miss || only >= 0 || notes)
                std::cout << "seed " << seed << " face " << index << " " << test::ocr::describe(trial)
                          << "\n";
            if (only >= 0 || notes)
                for (const auto& note : trial.frame_notes) std::cout << "  " << note << "\n";
            if (baseline && index % baseline_every == 0) baseline->run(scene, max_frames);
            if (ctl_baseline && index % baseline_every == 0) ctl_baseline->add(scene, max_frames);
        }
    }

    if (ctl_baseline) ctl_baseline->run();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::string seed_list;
    for (const auto seed : seeds) seed_list += (seed_list.empty() ? "" : ", ") + std::to_string(seed);
    const int with_expiry = summary.faces_with_expiry;
    const double right_share = with_expiry ? static_cast<double>(summary.right) / with_expiry : 0;
    std::printf(
        "\nOCR benchmark: %d generated faces (seeds %s; %zu font families; %d printed forms + none; 7 "
        "layouts; "
        "5 inks;\nroll ±30°, tilt ±22°, 1080p and 720p, blur, glare, JPEG; up to %d frames a face; "
        "OMP_THREAD_LIMIT=%s%s)\n",
        total, seed_list.c_str(), fonts.size(), test::ocr::kFormCount - 1, max_frames,
        std::getenv("OMP_THREAD_LIMIT"), region ? "; read inside the face's region" : "");
    std::printf("model load: %.0f ms\n", open_ms);
    std::printf("faces with an expiry: %d — right %d (%.1f%%, target ≥ 90%%), wrong %d (target 0), none %d\n",
                with_expiry, summary.right, 100.0 * right_share, summary.wrong,
                with_expiry - summary.right - summary.wrong);
    std::printf("faces without an expiry: %d — proposals on them %d (target 0)\n", total - with_expiry,
                summary.proposals_without_expiry);
    std::printf("single frames that read a wrong date (the agreement then held it back): %d\n",
                summary.wrong_frames);
    std::printf("per-frame CPU ms on one core: p50 %.0f  p95 %.0f  max %.0f\n",
                percentile(summary.frame_cpu_ms, 0.5), percentile(summary.frame_cpu_ms, 0.95),
                percentile(summary.frame_cpu_ms, 1.0));
    const std::vector<double>& full_hd = proposal_cpu_by_height[1080];
    const double p95_to_proposal = percentile(full_hd, 0.95);
    for (const auto& [height, times] : proposal_cpu_by_height)
        std::printf(
            "steady face → proposal, CPU ms on one core, %dp (%zu faces): p50 %.0f  p95 %.0f%s  max %.0f\n",
            height, times.size(), percentile(times, 0.5), percentile(times, 0.95),
            height == 1080 ? " (target ≤ 1500)" : "", percentile(times, 1.0));
    std::printf("steady face → proposal, wall ms (all sizes; a shared machine): p50 %.0f  p95 %.0f\n",
                percentile(summary.proposal_wall_ms, 0.5), percentile(summary.proposal_wall_ms, 0.95));
    std::printf("batch read right with the date: %d of %d proposals\n", summary.batch_right, summary.right);

    // Side by side: this reader and the baseline(s) on the same faces.
    std::vector<std::pair<std::string, const Tally*>> others;
    if (baseline) others.emplace_back("full-frame Tesseract", &baseline->tally);
    if (ctl_baseline && ctl_baseline->error.empty())
        others.emplace_back("--baseline-ctl", &ctl_baseline->tally);
    bool forms_ok = true;
    std::printf("per printed form, right/wrong/none (share right): this reader");
    for (const auto& [name, tally] : others) std::printf("   |   %s", name.c_str());
    if (!others.empty() && baseline_every > 1) std::printf(" (baselines: every %dth face)", baseline_every);
    std::printf("\n");
    for (const auto& [form, counts] : reader.by_form) {
        const bool has_expiry = form != "none";
        if (has_expiry && (counts.total() == 0 || counts.right < 0.8 * counts.total())) forms_ok = false;
        std::printf("  %-24s %3d/%d/%-3d %5s", form.c_str(), counts.right, counts.wrong, counts.none,
                    has_expiry ? share(counts).c_str() : "-");
        for (const auto& [name, tally] : others) {
            const auto it = tally->by_form.find(form);
            const Counts theirs = it == tally->by_form.end() ? Counts{} : it->second;
            std::printf("   |   %3d/%d/%-3d %5s", theirs.right, theirs.wrong, theirs.none,
                        has_expiry ? share(theirs).c_str() : "-");
        }
        std::printf("%s\n", has_expiry ? "" : "  (no expiry printed: wrong = a proposal, none = right)");
    }
    for (const auto* table : {&by_layout, &by_ink}) {
        std::printf(table == &by_layout ? "per layout:" : "per ink (label/value):");
        for (const auto& [name, counts] : *table)
            std::printf(" %s %d/%d/%d;", name.c_str(), counts.right, counts.wrong, counts.none);
        std::printf("\n");
    }
    auto print_other = [&](const char* what, const Tally& tally, int faces_without) {
        const int with = tally.all.total() - faces_without;
        int right_with = 0, wrong_with = 0;
        for (const auto& [form, counts] : tally.by_form)
            if (form != "none") {
                right_with += counts.right;
                wrong_with += counts.wrong;
            }
        const auto none_it = tally.by_form.find("none");
        const int proposed_without = none_it == tally.by_form.end() ? 0 : none_it->second.wrong;
        std::printf(
            "baseline (same run, %s): faces with an expiry %d — right %d (%.1f%%), wrong %d, none %d; "
            "faces without %d — proposals on them %d\n",
            what, with, right_with, with ? 100.0 * right_with / with : 0.0, wrong_with,
            with - right_with - wrong_with, faces_without, proposed_without);
    };
    if (ctl_baseline && !ctl_baseline->error.empty()) {
        std::printf("baseline: %s\n", ctl_baseline->error.c_str());
    } else if (ctl_baseline) {
        print_other(("another build's `" + ctl_baseline->ctl + " ocr --json`").c_str(), ctl_baseline->tally,
                    ctl_baseline->faces_without_expiry());
        std::printf("  its mean CPU ms a frame %.0f (model load included)\n",
                    ctl_baseline->frames ? ctl_baseline->cpu_ms / ctl_baseline->frames : 0.0);
    }
    if (baseline) {
        const auto none_it = baseline->tally.by_form.find("none");
        print_other("Tesseract page layout on the whole frame", baseline->tally,
                    none_it == baseline->tally.by_form.end() ? 0 : none_it->second.total());
        std::printf("  its per-frame CPU ms p50 %.0f  p95 %.0f; steady face → proposal p50 %.0f  p95 %.0f\n",
                    percentile(baseline->frame_cpu_ms, 0.5), percentile(baseline->frame_cpu_ms, 0.95),
                    percentile(baseline->proposal_cpu_ms, 0.5), percentile(baseline->proposal_cpu_ms, 0.95));
    }
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    std::printf("CPU time: %.1f s user, %.1f s system; peak RSS %ld MB\n", seconds(usage.ru_utime),
                seconds(usage.ru_stime), usage.ru_maxrss / 1024);
    if (smoke) return summary.wrong == 0 ? 0 : 1;
    const bool met = right_share >= 0.9 && summary.wrong == 0 && summary.proposals_without_expiry == 0 &&
                     forms_ok && !full_hd.empty() && p95_to_proposal <= 1500;
    std::printf("targets: %s\n", met ? "met" : "MISSED");
    return met ? 0 : 1;
}
