#include "terminal/zip_container.hpp"

#include <zip.h>

#include <cctype>
#include <memory>
#include <optional>

namespace onshi::terminal {
namespace {

Error ZipError(const std::string& what, zip_error_t* e) {
  return Error{"zip", what + ": " + (e ? zip_error_strerror(e) : "unknown error")};
}

struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
struct ArchiveDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool EndsWithXml(std::string_view s) {
  return s.size() > 4 && StartsWithNoCase(s.substr(s.size() - 4), ".xml");
}

}  // namespace

Expected<std::string> ZipOne(std::string_view entry_name, std::string_view bytes,
                             const std::string& password, std::time_t mtime) {
  zip_error_t error;
  zip_error_init(&error);
  // The archive is written into this in-memory source.
  std::unique_ptr<zip_source_t, SourceFree> out(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!out) return ZipError("cannot create a buffer", &error);
  std::unique_ptr<zip_t, ArchiveDiscard> archive(
      zip_open_from_source(out.get(), ZIP_TRUNCATE, &error));
  if (!archive) return ZipError("cannot open the archive", &error);
  zip_source_keep(out.get());  // the archive's close must leave it to us
  zip_source_t* entry = zip_source_buffer(archive.get(), bytes.data(), bytes.size(), 0);
  if (!entry) return ZipError("cannot add the file", zip_get_error(archive.get()));
  const std::string name(entry_name);
  const zip_int64_t index =
      zip_file_add(archive.get(), name.c_str(), entry, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
  if (index < 0) {
    zip_source_free(entry);
    return ZipError("cannot add the file", zip_get_error(archive.get()));
  }
  const auto i = static_cast<zip_uint64_t>(index);
  if (zip_set_file_compression(archive.get(), i, ZIP_CM_DEFLATE, 9) != 0 ||
      zip_file_set_mtime(archive.get(), i, mtime, 0) != 0 ||
      (!password.empty() &&
       zip_file_set_encryption(archive.get(), i, ZIP_EM_AES_256, password.c_str()) != 0)) {
    return ZipError("cannot set up the file", zip_get_error(archive.get()));
  }
  if (zip_close(archive.get()) != 0) {
    return ZipError("cannot write the archive", zip_get_error(archive.get()));
  }
  archive.release();  // closed
  // Read the finished archive back out of the buffer source.
  zip_stat_t st;
  if (zip_source_stat(out.get(), &st) != 0 || zip_source_open(out.get()) != 0) {
    return ZipError("cannot read the archive", zip_source_error(out.get()));
  }
  std::string data(static_cast<size_t>(st.size), '\0');
  const zip_int64_t n = zip_source_read(out.get(), data.data(), st.size);
  zip_source_close(out.get());
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) {
    return ZipError("cannot read the archive", zip_source_error(out.get()));
  }
  return data;
}

Expected<Published> InContainer(std::string name, std::string bytes, const EncryptConf* conf,
                                const std::string& password, std::time_t now) {
  if (conf == nullptr || !conf->Encrypts(name)) return Published{std::move(name), std::move(bytes)};
  auto zipped = ZipOne(name, bytes, password, now);
  if (!zipped.ok()) return zipped.error();
  const size_t dot = name.rfind('.');
  return Published{name.substr(0, dot) + ".zip", std::move(zipped).value()};
}

Expected<std::string> UnzipXml(std::string_view bytes, std::string_view prefix,
                               const std::string& password) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* in = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!in) return ZipError("cannot read the archive", &error);
  std::unique_ptr<zip_t, ArchiveDiscard> archive(zip_open_from_source(in, ZIP_RDONLY, &error));
  if (!archive) {
    zip_source_free(in);
    return ZipError("not a complete zip archive", &error);
  }
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  std::optional<zip_uint64_t> chosen;
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* name = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), 0);
    if (!name || !EndsWithXml(name)) continue;
    if (StartsWithNoCase(name, prefix)) {
      chosen = static_cast<zip_uint64_t>(i);
      break;
    }
    if (!chosen) chosen = static_cast<zip_uint64_t>(i);
  }
  if (!chosen) return Error{"zip", "the archive holds no XML file"};
  zip_stat_t st;
  if (zip_stat_index(archive.get(), *chosen, 0, &st) != 0) {
    return ZipError("cannot read the entry", zip_get_error(archive.get()));
  }
  if (st.size > 16 * 1024 * 1024) return Error{"zip", "the XML file is larger than 16 MB"};
  std::unique_ptr<zip_file_t, FileClose> file(zip_fopen_index_encrypted(
      archive.get(), *chosen, 0, password.empty() ? nullptr : password.c_str()));
  if (!file) return ZipError("cannot open the entry", zip_get_error(archive.get()));
  std::string data(static_cast<size_t>(st.size), '\0');
  const zip_int64_t n = zip_fread(file.get(), data.data(), st.size);
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) {
    return ZipError("cannot decrypt or inflate the entry", zip_file_get_error(file.get()));
  }
  return data;
}

}  // namespace onshi::terminal
