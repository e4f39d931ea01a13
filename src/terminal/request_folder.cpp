#include "terminal/request_folder.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include "oqs/error.hpp"
#include "oqs/request.hpp"
#include "terminal/file_names.hpp"

namespace onshi::terminal {
namespace {

namespace fs = std::filesystem;

bool DeclaresShiftJis(std::string_view xml) {
  const std::string_view head = xml.substr(0, std::min<size_t>(xml.size(), 200));
  for (std::string_view name : {"shift_jis", "Shift_JIS", "SHIFT_JIS", "shift-jis", "Shift-JIS",
                                "sjis", "SJIS", "windows-31j", "Windows-31J", "cp932", "CP932"}) {
    if (head.find(name) != std::string_view::npos) return true;
  }
  return false;
}

std::optional<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::string Reencode(std::string xml, oqs::Charset to) {
  const bool is_sjis = DeclaresShiftJis(xml);
  if (is_sjis == (to == oqs::Charset::kShiftJis)) return xml;
  std::string text = is_sjis ? oqs::Cp932ToUtf8(xml).value_or(xml) : xml;
  const size_t decl_end = text.find("?>");
  const std::string body = decl_end == std::string::npos ? text : text.substr(decl_end + 2);
  std::string out = to == oqs::Charset::kShiftJis
                        ? R"(<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>)"
                        : R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)";
  out += body;
  const std::string cci = "<CharacterCodeIdentifier>";
  if (const size_t at = out.find(cci); at != std::string::npos) {
    out[at + cci.size()] = to == oqs::Charset::kShiftJis ? '1' : '0';
  }
  return to == oqs::Charset::kShiftJis ? oqs::Utf8ToCp932(out) : out;
}

RequestFolder::RequestFolder(FolderOptions options, CentralClient& central, Publisher& publisher)
    : options_(std::move(options)), central_(central), publisher_(publisher) {}

PollReport RequestFolder::Poll(std::time_t now) {
  PollReport report;
  std::vector<fs::path> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.req_dir, ec)) {
    if (entry.is_regular_file(ec)) names.push_back(entry.path());
  }
  std::sort(names.begin(), names.end());  // oldest-named first: clients number them
  for (const fs::path& path : names) {
    const std::string name = path.filename().string();
    const auto kind = ClassifyRequest(name);
    if (!kind) continue;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;  // taken away meanwhile
    const auto bytes = ReadAll(path.string());
    if (!bytes) continue;
    const bool settled = now - st.st_mtime >= options_.settle_seconds;
    const oqs::Charset request_charset =
        DeclaresShiftJis(*bytes) ? oqs::Charset::kShiftJis : oqs::Charset::kUtf8;
    const oqs::Charset out = options_.output.value_or(request_charset);

    auto fail = [&](const std::string& why) {
      // The error pair: .err first, then the request-named copy (§4.1).
      const std::string text = why + "\n";
      auto err = publisher_.Publish(options_.res_dir, name.substr(0, name.size() - 4) + ".err",
                                    out == oqs::Charset::kShiftJis ? oqs::Utf8ToCp932(text) : text);
      auto copy = publisher_.Publish(options_.res_dir, name, *bytes);
      if (!err.ok() || !copy.ok()) {
        report.last_problem = (!err.ok() ? err.error() : copy.error()).ToString();
      }
      ::unlink(path.c_str());
      ++report.broken;
    };

    if (kind->kind != RequestKind::kQualification) {
      const oqs::OqsError e = oqs::MakeOqsError(oqs::ErrorCode::kUnsupportedKind,
                                                name.substr(0, 14), "not answered yet");
      fail(std::string(e.Id()) + " " + e.Message());
      continue;
    }
    const oqs::ParsedRequest parsed = oqs::ParseRequestXml(*bytes);
    if (!parsed.ok()) {
      if (!settled) {  // perhaps still being written in place
        ++report.waiting;
        continue;
      }
      fail(std::string(parsed.error->Id()) + " " + parsed.error->Message());
      continue;
    }
    auto answer = central_.SearchXml(*bytes, now);
    if (!answer.ok()) {
      ++report.waiting;
      report.last_problem = answer.error().ToString();
      continue;
    }
    auto published =
        publisher_.Publish(options_.res_dir, kind->result_name, Reencode(answer->body, out));
    if (!published.ok() && published.error().field != "exists") {
      ++report.waiting;
      report.last_problem = published.error().ToString();
      continue;
    }
    // Answered now, or answered before a crash between publishing and
    // removing: either way the request is done and its answer stands.
    ::unlink(path.c_str());
    ++report.answered;
  }
  return report;
}

}  // namespace onshi::terminal
