import Dispatch

/// Runs two pieces of work at the same time and waits for both.
///
/// Streaming uses it to overlap hashing with encryption (filing) and decryption
/// with hashing and writing (retrieval) on a two-core machine. Each closure must
/// touch state the other does not.
enum Parallel {
    /// Runs `first` and `second` concurrently; rethrows the first error either raised.
    static func both(_ first: () throws -> Void, _ second: () throws -> Void) throws {
        var errors: [Error?] = [nil, nil]
        errors.withUnsafeMutableBufferPointer { slots in
            let box = UnsafeSendableBox(slots)
            withoutActuallyEscaping(first) { first in
                withoutActuallyEscaping(second) { second in
                    let work = UnsafeSendableBox((first, second))
                    DispatchQueue.concurrentPerform(iterations: 2) { index in
                        do {
                            if index == 0 { try work.value.0() } else { try work.value.1() }
                        } catch {
                            box.value[index] = error
                        }
                    }
                }
            }
        }
        if let error = errors[0] ?? errors[1] { throw error }
    }
}

/// Carries a value across the two threads of ``Parallel/both(_:_:)``, which never share what it points to.
struct UnsafeSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
