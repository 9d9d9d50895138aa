import Foundation
import Testing

@testable import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Write-back window")
struct WritebackWindowTests {
    /// Writes `mebibytes` MiB of numbered 1 MiB blocks to a new file, through a window when `windowed`.
    private func write(_ path: String, mebibytes: Int, windowed: Bool) throws {
        let fd = try FileDescriptor.createExclusively(path)
        var window = WritebackWindow()
        var block = [UInt8](repeating: 0xA5, count: 1 << 20)
        for index in 0..<mebibytes {
            block[0] = UInt8(index)
            try block.withUnsafeBytes { bytes in
                try fd.write(bytes)
                if windowed { window.wrote(bytes.count, to: fd) }
            }
        }
        window.flush(fd)
        try fd.sync()
    }

    /// How many MiB of `path` are in the page cache (mincore over a read-only mapping).
    private func residentMebibytes(_ path: String) throws -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        #expect(fd >= 0)
        defer { close(fd) }
        var info = stat()
        #expect(fstat(fd, &info) == 0)
        let length = Int(info.st_size)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let map = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            throw POSIXFailure(operation: "mmap", path: path, code: errno)
        }
        defer { munmap(map, length) }
        var pages = [UInt8](repeating: 0, count: (length + page - 1) / page)
        #expect(mincore(map, length, &pages) == 0)
        return (pages.reduce(0) { $0 + Int($1 & 1) } * page) >> 20
    }

    @Test("a file written through the window keeps only the last few steps in the page cache, intact")
    func boundedCache() throws {
        let folder = NSTemporaryDirectory() + "writeback-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mebibytes = 64
        try write(folder + "/plain", mebibytes: mebibytes, windowed: false)
        try write(folder + "/windowed", mebibytes: mebibytes, windowed: true)
        // Without the window the whole file stays cached; a file system that caches nothing
        // (or a reclaimer that already took it) cannot show the difference, so there is nothing to check.
        let plain = try residentMebibytes(folder + "/plain")
        let windowed = try residentMebibytes(folder + "/windowed")
        if plain >= mebibytes * 3 / 4 {
            // Dropped up to the range sent one step before the last: at most about three 8 MiB steps remain.
            #expect(windowed <= 3 * (WritebackWindow.step >> 20) + 1, "\(windowed) MiB of \(mebibytes) still cached")
        }
        let expected = try Data(contentsOf: URL(fileURLWithPath: folder + "/plain"))
        let written = try Data(contentsOf: URL(fileURLWithPath: folder + "/windowed"))
        #expect(written == expected)
        #expect(written.count == mebibytes << 20)
    }
}
