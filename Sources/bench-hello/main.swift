import Foundation

// The reference process of docvault-bench's whole-process scenarios: Swift and Foundation start-up, one line out.
print("hello from \(ProcessInfo.processInfo.processName)")
