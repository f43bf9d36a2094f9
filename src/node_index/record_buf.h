// An immutable, reference-counted byte buffer holding one encoded directory record.
// Trees made by NodeTree::Clone share these buffers, so an unchanged directory costs
// nothing in a second version and a diff can skip it by pointer equality.
// Internal to arbor_index. The count is atomic: clones may be read on other threads.
#pragma once

#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

namespace arbor::node_index {

class RecordBuf {
 public:
  static RecordBuf* Create(std::string_view bytes) {
    void* mem = std::malloc(sizeof(RecordBuf) + bytes.size());
    if (mem == nullptr) throw std::bad_alloc();
    auto* buf = new (mem) RecordBuf(static_cast<uint32_t>(bytes.size()));
    std::memcpy(buf->data(), bytes.data(), bytes.size());
    return buf;
  }
  std::string_view bytes() const { return {data(), size_}; }
  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      this->~RecordBuf();
      std::free(this);
    }
  }
  // Heap bytes this buffer really holds: glibc's usable size plus its 8-byte chunk header.
  size_t AllocatedBytes() const { return malloc_usable_size(const_cast<RecordBuf*>(this)) + 8; }

 private:
  explicit RecordBuf(uint32_t size) : size_(size) {}
  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }

  std::atomic<uint32_t> refs_{1};
  uint32_t size_;
};

// Owning handle to a RecordBuf (intrusive count: 8 bytes per directory, no control block).
class RecordPtr {
 public:
  RecordPtr() = default;
  explicit RecordPtr(std::string_view bytes) : p_(RecordBuf::Create(bytes)) {}
  RecordPtr(const RecordPtr& o) : p_(o.p_) {
    if (p_ != nullptr) p_->Ref();
  }
  RecordPtr(RecordPtr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  RecordPtr& operator=(RecordPtr o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~RecordPtr() {
    if (p_ != nullptr) p_->Unref();
  }
  explicit operator bool() const { return p_ != nullptr; }
  std::string_view bytes() const { return p_->bytes(); }
  const RecordBuf* get() const { return p_; }

 private:
  RecordBuf* p_ = nullptr;
};

}  // namespace arbor::node_index
