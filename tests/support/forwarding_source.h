// ForwardingSource: a Source that passes every call to a real one. A test derives from
// it and overrides only what it changes (an order, a reader, a record of calls), so the
// rest behaves exactly as the real source. Header-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "shares/source.h"

namespace arbor::testing {

class ForwardingSource : public Source {
 public:
  explicit ForwardingSource(Source& real) : real_(real) {}
  std::string Kind() const override { return real_.Kind(); }
  Result<Node> Stat(const std::string& path) override { return real_.Stat(path); }
  Status List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) override {
    return real_.List(dir, children, warnings);
  }
  Status LoadExtended(const std::string& path, Node* node) override { return real_.LoadExtended(path, node); }
  bool ExtendedFromOpenFile() const override { return real_.ExtendedFromOpenFile(); }
  bool BatchSmallFiles() const override { return real_.BatchSmallFiles(); }
  bool ListAhead() const override { return real_.ListAhead(); }
  Result<std::unique_ptr<FileReader>> Open(const std::string& path, const Node& node) override {
    return real_.Open(path, node);
  }
  bool StableFileIds() const override { return real_.StableFileIds(); }
  bool FixedBirthTimes() const override { return real_.FixedBirthTimes(); }
  bool IsFatal(const Status& error) const override { return real_.IsFatal(error); }
  void SetBlobSink(BlobSink sink) override { real_.SetBlobSink(std::move(sink)); }
  void Expect(const std::vector<std::string>& stat_dirs, const std::vector<std::string>& list_dirs) override {
    real_.Expect(stat_dirs, list_dirs);
  }
  void WillRead(const std::string& path, const Node& node) override { real_.WillRead(path, node); }
  bool TakesStatHints() const override { return real_.TakesStatHints(); }
  void WillStatIn(const std::string& dir, size_t named, size_t entries, bool listed) override {
    real_.WillStatIn(dir, named, entries, listed);
  }

 protected:
  Source& real_;
};

}  // namespace arbor::testing
