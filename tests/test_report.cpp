// Metrics and output formats against hand-computed values.
#include <gtest/gtest.h>

#include <sstream>

#include "audio/error.h"
#include "report/metrics.h"
#include "report/predict_format.h"
#include "test_util.h"

namespace genrec {
namespace {

// A 3-class matrix, rows = true, columns = predicted:
//        a  b  c
//   a    5  1  0
//   b    2  3  1
//   c    0  0  4
ConfusionMatrix tiny() {
  ConfusionMatrix cm({"a", "b", "c"});
  cm.add(0, 0, 5);
  cm.add(0, 1, 1);
  cm.add(1, 0, 2);
  cm.add(1, 1, 3);
  cm.add(1, 2, 1);
  cm.add(2, 2, 4);
  return cm;
}

TEST(Metrics, HandComputedTinyMatrix) {
  const Metrics m = compute_metrics(tiny());
  // accuracy = (5+3+4)/16
  EXPECT_DOUBLE_EQ(m.accuracy, 12.0 / 16.0);
  // a: P = 5/7, R = 5/6, F1 = 2PR/(P+R) = 10/13
  EXPECT_DOUBLE_EQ(m.per_class[0].precision, 5.0 / 7.0);
  EXPECT_DOUBLE_EQ(m.per_class[0].recall, 5.0 / 6.0);
  EXPECT_NEAR(m.per_class[0].f1, 10.0 / 13.0, 1e-12);
  // b: P = 3/4, R = 3/6, F1 = 0.6
  EXPECT_DOUBLE_EQ(m.per_class[1].precision, 0.75);
  EXPECT_DOUBLE_EQ(m.per_class[1].recall, 0.5);
  EXPECT_NEAR(m.per_class[1].f1, 0.6, 1e-12);
  // c: P = 4/5, R = 1, F1 = 8/9
  EXPECT_NEAR(m.per_class[2].f1, 8.0 / 9.0, 1e-12);
  EXPECT_EQ(m.per_class[1].support, 6);
  EXPECT_NEAR(m.macro_f1, (10.0 / 13.0 + 0.6 + 8.0 / 9.0) / 3.0, 1e-12);
}

TEST(Metrics, ClassNeverPredictedHasZeroPrecision) {
  ConfusionMatrix cm({"x", "y"});
  cm.add(0, 0, 3);
  cm.add(1, 0, 2);
  const Metrics m = compute_metrics(cm);
  EXPECT_EQ(m.per_class[1].precision, 0.0);
  EXPECT_EQ(m.per_class[1].f1, 0.0);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.6);
  EXPECT_THROW(cm.add(2, 0), Error);
}

// A genre with no true songs (here predicted once) is named, and left out of macro F1 rather
// than averaged in as a zero: a: P = 3/3, R = 3/4, F1 = 6/7; b: F1 = 1; macro F1 = 13/14.
TEST(Metrics, MacroF1LeavesOutGenresWithoutSupport) {
  ConfusionMatrix cm({"a", "b", "c"});
  cm.add(0, 0, 3);
  cm.add(0, 2, 1);
  cm.add(1, 1, 2);
  const Metrics m = compute_metrics(cm);
  EXPECT_EQ(m.no_support, std::vector<std::string>{"c"});
  EXPECT_EQ(m.per_class[2].support, 0);
  EXPECT_EQ(m.per_class[2].f1, 0.0);
  EXPECT_NEAR(m.per_class[0].f1, 6.0 / 7.0, 1e-12);
  EXPECT_NEAR(m.macro_f1, 13.0 / 14.0, 1e-12);
  EXPECT_NEAR(metrics_json(m)["macro_f1"].get<double>(), 13.0 / 14.0, 1e-12);
}

TEST(Metrics, TextTableIsAlignedWithRowPercentages) {
  std::ostringstream counts, pct;
  write_confusion_text(counts, tiny(), false);
  write_confusion_text(pct, tiny(), true);
  EXPECT_EQ(counts.str(),
            "true\\pred     a     b     c\n"
            "a             5     1     0\n"
            "b             2     3     1\n"
            "c             0     0     4\n");
  EXPECT_NE(pct.str().find("33.3%"), std::string::npos);  // 2/6 of b predicted as a
  EXPECT_NE(pct.str().find("100.0%"), std::string::npos);
}

TEST(Metrics, CsvAndJson) {
  std::ostringstream csv;
  write_confusion_csv(csv, tiny());
  EXPECT_EQ(csv.str(), "true\\pred,a,b,c\na,5,1,0\nb,2,3,1\nc,0,0,4\n");
  nlohmann::json j = confusion_json(tiny());
  EXPECT_EQ(j["matrix"][1][2], 1);
  EXPECT_EQ(j["labels"][2], "c");
}

Prediction sample_prediction() {
  Prediction p;
  p.file = "a,b.mp3";
  p.duration_s = 6.0;
  p.probs = {0.2f, 0.7f, 0.1f};
  p.segments = {{0, 3, {0.3f, 0.6f, 0.1f}}, {3, 6, {0.1f, 0.8f, 0.1f}}};
  return p;
}

TEST(PredictFormat, JsonMatchesSpecShape) {
  PredictFormatOptions o;
  o.top_k = 2;
  o.with_segments = true;
  nlohmann::json j = prediction_json(sample_prediction(), {"blues", "jazz", "rock"}, o);
  EXPECT_EQ(j["genre"], "jazz");
  EXPECT_DOUBLE_EQ(j["confidence"].get<double>(), 0.7);
  ASSERT_EQ(j["top"].size(), 2u);
  EXPECT_EQ(j["top"][1]["genre"], "blues");
  ASSERT_EQ(j["segments"].size(), 2u);
  EXPECT_EQ(j["segments"][1]["start_s"], 3.0);
  EXPECT_EQ(j["segments"][0]["genre"], "jazz");
  Prediction bad;
  bad.file = "x.txt";
  bad.error = "decode: 'x.txt': unknown format";
  nlohmann::json e = prediction_json(bad, {"a"}, o);
  EXPECT_EQ(e.size(), 3u);  // file, error, genrec_version
  EXPECT_EQ(e["error"], bad.error);
  EXPECT_TRUE(e["genrec_version"].is_string());
}

TEST(PredictFormat, CsvHasHeaderAndQuotes) {
  std::ostringstream out;
  PredictionWriter w(out, PredictFormat::kCsv, {"blues", "jazz", "rock"}, {});
  w.write(sample_prediction());
  EXPECT_EQ(out.str(),
            "file,genre,confidence,blues,jazz,rock,uncertain,error\n"
            "\"a,b.mp3\",jazz,0.7000,0.2000,0.7000,0.1000,false,\n");
}

TEST(PredictFormat, UncertainAnswersAreMarkedInEveryFormat) {
  Prediction p = sample_prediction();
  p.uncertain = true;
  const std::vector<std::string> labels = {"blues", "jazz", "rock"};
  EXPECT_EQ(prediction_json(p, labels, {})["uncertain"], true);
  EXPECT_EQ(prediction_json(sample_prediction(), labels, {})["uncertain"], false);
  std::ostringstream csv, text, jsonl;
  PredictionWriter(csv, PredictFormat::kCsv, labels, {}).write(p);
  EXPECT_EQ(csv.str(),
            "file,genre,confidence,blues,jazz,rock,uncertain,error\n"
            "\"a,b.mp3\",jazz,0.7000,0.2000,0.7000,0.1000,true,\n");
  PredictionWriter(text, PredictFormat::kText, labels, {}).write(p);
  EXPECT_NE(text.str().find("a,b.mp3   [uncertain]\n"), std::string::npos) << text.str();
  std::ostringstream sure;
  PredictionWriter(sure, PredictFormat::kText, labels, {}).write(sample_prediction());
  EXPECT_EQ(sure.str().find("uncertain"), std::string::npos) << sure.str();
  PredictionWriter(jsonl, PredictFormat::kJsonl, labels, {}).write(p);
  EXPECT_EQ(nlohmann::json::parse(jsonl.str())["uncertain"], true);
}

}  // namespace
}  // namespace genrec
