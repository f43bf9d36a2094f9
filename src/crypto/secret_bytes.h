// SecretBytes: key material that is wiped from memory when destroyed and has no stream
// operator, so it is not printed or logged by accident. reveal() is the one way to read
// it. Move-only: a key is never copied implicitly.
#pragma once

#include <string>
#include <string_view>

namespace arbor::crypto {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string value) : value_(std::move(value)) {}
  explicit SecretBytes(size_t size) : value_(size, '\0') {}
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  // `n` bytes from the operating system's CSPRNG (OpenSSL RAND_bytes; aborts if it fails,
  // because continuing with predictable keys would be worse than stopping).
  static SecretBytes Random(size_t n);
  // An explicit copy, for the rare place that must keep two (a key handed to a worker).
  SecretBytes Clone() const { return SecretBytes(value_); }

  std::string_view reveal() const { return value_; }
  char* data() { return value_.data(); }
  size_t size() const { return value_.size(); }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

// Random bytes that are not secret (nonces, salts). Aborts if the CSPRNG fails.
std::string RandomBytes(size_t n);

// Constant-time equality of two byte strings of the same length (false otherwise).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace arbor::crypto
