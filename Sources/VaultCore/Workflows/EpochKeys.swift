/// The data-key-wrapping keys of a vault by epoch: a handful of entries, searched in order.
///
/// It replaces a `[Int: AES256GCM]`. A vault has one epoch per key rotation, so a scan is as
/// fast as hashing, and the dictionary's first use cost every command 0.33 M instructions
/// (callgrind of `show`), nearly all of it the runtime instantiating that dictionary type
/// (metadata by mangled name and its generic requirements' conformance lookups).
struct EpochKeys {
    private var epochs: [Int] = []
    private var keys: [AES256GCM] = []

    /// The key of `epoch`, or nil; assigning a key replaces or adds it (assigning nil changes nothing).
    subscript(epoch: Int) -> AES256GCM? {
        get { epochs.firstIndex(of: epoch).map { keys[$0] } }
        set {
            guard let newValue else { return }
            if let index = epochs.firstIndex(of: epoch) {
                keys[index] = newValue
            } else {
                epochs.append(epoch)
                keys.append(newValue)
            }
        }
    }

    /// The highest epoch held, or nil when there is none.
    var newest: Int? { epochs.max() }

    /// Adds every key of `other`, replacing those of the same epoch.
    mutating func merge(_ other: EpochKeys) {
        for (epoch, key) in zip(other.epochs, other.keys) { self[epoch] = key }
    }
}
