/// Where encrypted blobs live; the catalogue refers to them by random identifier.
public protocol BlobStore {
    /// Starts a new blob; bytes go to a temporary file until ``BlobWriter/commit()``.
    func makeWriter(blobID: String) throws -> BlobWriter
    /// Opens a stored blob for reading.
    func openForReading(blobID: String) throws -> FileDescriptor
    /// The stored size of a blob, or nil when it is missing.
    func size(blobID: String) -> Int?
    /// Removes a blob; a missing blob is not an error.
    func remove(blobID: String) throws
}

/// A blob being written: bytes are appended, then committed (fsync, rename, fsync of the folder).
public protocol BlobWriter: AnyObject {
    /// Appends bytes to the blob; the writer may collect them first, and commit or stage writes out everything.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Makes the blob durable under its final name.
    func commit() throws
    /// Moves the blob under its final name without making it durable; the caller syncs the store after a batch.
    func stage() throws
    /// Deletes the temporary file (or the committed blob when the catalogue commit failed).
    func discard()
}
