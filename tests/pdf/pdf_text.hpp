// Reading a PDF's text back the way a person would, for the PDF tests of
// every suite: pdftotext breaks lines (and pads columns) where the layout
// does, so texts are compared with every blank removed.
#ifndef ONSHI_TESTS_PDF_PDF_TEXT_HPP_
#define ONSHI_TESTS_PDF_PDF_TEXT_HPP_

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

namespace onshi::testing_pdf {

// `text` without spaces, tabs, line and page breaks or ideographic spaces
// (U+3000).
inline std::string Squeeze(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r') continue;
    if (text.compare(i, 3, "\u3000") == 0) {
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

// Runs a command; its standard output. A command that cannot start or
// exits non-zero is a test failure.
inline std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) {
    ADD_FAILURE() << "cannot run " << command;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  EXPECT_EQ(pclose(p), 0) << command;
  return out;
}

}  // namespace onshi::testing_pdf

#endif  // ONSHI_TESTS_PDF_PDF_TEXT_HPP_
