import Foundation

/// Loading of the Wycheproof files in `Tests/VaultCoreTests/Resources` (see its README).
enum TestVectors {
    /// Errors raised when a vector file is missing.
    enum LoadingError: Error {
        case missingResource(String)
    }

    /// Decodes the JSON file `name` (without extension) from the copied `Resources` folder.
    static func load<File: Decodable>(_ type: File.Type, named name: String) throws -> File {
        // `.copy("Resources")` keeps the folder itself inside the bundle, on Linux and on macOS.
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources") else {
            throw LoadingError.missingResource(name)
        }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }
}

/// The outcome a Wycheproof vector expects.
enum WycheproofResult: String, Decodable {
    case valid
    case invalid
    case acceptable
}

/// `c2sp_chunked_encryption_aes_256_gcm_test.json`: C2SP chunked encryption (Cobblestone-256).
struct ChunkedEncryptionVectorFile: Decodable {
    /// One group of vectors sharing an AEAD and hash.
    struct Group: Decodable {
        let aead: String
        let sha: String
        let tests: [ChunkedEncryptionVector]
    }

    let numberOfTests: Int
    let testGroups: [Group]

    /// Every vector in the file, in file order.
    var allTests: [ChunkedEncryptionVector] { testGroups.flatMap(\.tests) }

    /// Loads the file from the test bundle.
    static func load() throws -> Self {
        try TestVectors.load(Self.self, named: "c2sp_chunked_encryption_aes_256_gcm_test")
    }
}

/// One C2SP chunked-encryption vector; `ct` is zlib-compressed, then hex-encoded.
struct ChunkedEncryptionVector: Decodable, Sendable {
    let tcId: Int
    let comment: String
    let key: String
    let ctx: String
    let ct: String
    let aeadKey: String?
    let baseNonce: String?
    let msgLength: Int?
    let msgSha512: String?
    let result: WycheproofResult
    let flags: [String]

    /// Whether `flag` is among the vector's flags.
    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The ciphertext after zlib decompression.
    func ciphertext() throws -> [UInt8] { try Inflate.zlib(Hex.decode(ct)) }
}

/// `aes_gcm_test.json`: AES-GCM AEAD vectors.
struct AESGCMVectorFile: Decodable {
    /// Vectors sharing key, nonce and tag sizes (in bits).
    struct Group: Decodable {
        let ivSize: Int
        let keySize: Int
        let tagSize: Int
        let tests: [AESGCMVector]
    }

    let numberOfTests: Int
    let testGroups: [Group]

    /// Loads the file from the test bundle.
    static func load() throws -> Self { try TestVectors.load(Self.self, named: "aes_gcm_test") }
}

/// One AES-GCM vector, all fields hex.
struct AESGCMVector: Decodable {
    let tcId: Int
    let comment: String
    let key: String
    let iv: String
    let aad: String
    let msg: String
    let ct: String
    let tag: String
    let result: WycheproofResult
    let flags: [String]
}

/// `hkdf_sha256_test.json`: HKDF-SHA-256 vectors.
struct HKDFVectorFile: Decodable {
    /// Vectors sharing an input key size (in bits).
    struct Group: Decodable {
        let keySize: Int
        let tests: [HKDFVector]
    }

    let numberOfTests: Int
    let testGroups: [Group]

    /// Loads the file from the test bundle.
    static func load() throws -> Self { try TestVectors.load(Self.self, named: "hkdf_sha256_test") }
}

/// One HKDF vector; `size` is the output length in bytes.
struct HKDFVector: Decodable {
    let tcId: Int
    let comment: String
    let ikm: String
    let salt: String
    let info: String
    let size: Int
    let okm: String
    let result: WycheproofResult
    let flags: [String]
}
