/// Keeps a large file being written from piling up in the page cache.
///
/// Every ``step`` bytes, the range just written is sent to disk without waiting, and the
/// range sent one step earlier is waited for and dropped from the cache. About three steps
/// of the file are in memory at any time whatever its size, those pages are reused while
/// still warm, and the final fsync finds little left to write. Filing never reads a blob
/// back, and `get`'s copy is the user's to open.
///
/// Measured on the 2-core VM (Benchmarks.md): filing 1 GiB let the cache grow by the whole
/// gibibyte, and drawing that many fresh pages cost 0.4 to 2 s of system time from run to run.
struct WritebackWindow {
    /// Bytes between two write-back requests.
    static let step = 8 << 20
    private var written = 0
    /// Everything before this offset has been handed to write-back.
    private var started = 0
    /// Where the range most recently handed to write-back begins.
    private var inFlight = 0

    /// Notes `count` more bytes written to `descriptor`, sending and dropping ranges as they complete.
    mutating func wrote(_ count: Int, to descriptor: FileDescriptor) {
        written += count
        guard written - started >= Self.step else { return }
        if started > inFlight {
            descriptor.dropWrittenBack(offset: inFlight, length: started - inFlight)
        }
        descriptor.startWriteback(offset: started, length: written - started)
        inFlight = started
        started = written
    }

    /// Sends whatever has not been sent yet, without waiting; fsync or syncfs completes it.
    mutating func flush(_ descriptor: FileDescriptor) {
        guard written > started else { return }
        descriptor.startWriteback(offset: started, length: written - started)
        started = written
    }
}
