import FoundationEssentials

/// Where a vault and its key files live.
public struct VaultLocation: Sendable {
    /// The vault folder (catalogue and blobs).
    public let vault: String
    /// The folder of key files.
    public let keys: String

    /// Creates a location from the two folders.
    public init(vault: String, keys: String) {
        self.vault = vault
        self.keys = keys
    }

    /// Resolves `--vault`/`DOCVAULT_DIR` and `--keys`/`DOCVAULT_KEYS` (read through `variable`), defaulting to `./vault` and `./keys`.
    public static func resolve(vault: String?, keys: String?, variable: (String) -> String?) -> VaultLocation {
        VaultLocation(
            vault: vault ?? variable("DOCVAULT_DIR") ?? "vault", keys: keys ?? variable("DOCVAULT_KEYS") ?? "keys")
    }

    /// The SQLite catalogue.
    public var catalogPath: String { vault + "/catalog.sqlite" }
    /// The blob folder.
    public var blobsPath: String { vault + "/blobs" }

    /// The default key file of `user`.
    public func keyFilePath(for user: String) -> String { keys + "/" + user + ".key" }
}

/// An opened vault: its catalogue connection, identity and blob store, not yet authenticated.
public final class Vault {
    /// Where it lives.
    public let location: VaultLocation
    /// The catalogue.
    let database: Database
    /// The identity row.
    public let meta: VaultMeta
    /// The blob store.
    let blobs: FileBlobStore

    init(location: VaultLocation, database: Database, meta: VaultMeta) {
        self.location = location
        self.database = database
        self.meta = meta
        self.blobs = FileBlobStore(root: location.blobsPath)
    }

    /// Opens the vault at `location`, migrating its schema if this release is newer.
    ///
    /// A missing folder or catalogue is `inputMissing` (66); a file that is not an
    /// SQLite database or lacks the identity row is a data error (65).
    public static func open(_ location: VaultLocation) throws -> Vault {
        guard FileSystem.isDirectory(location.vault) else {
            throw VaultError.inputMissing(
                "no vault at \(location.vault); run 'docvault init' or pass --vault DIR")
        }
        guard FileManager.default.fileExists(atPath: location.catalogPath) else {
            throw VaultError.inputMissing(
                "\(location.vault) is not a docvault vault (no catalog.sqlite); check --vault or DOCVAULT_DIR")
        }
        do {
            let database = try Database(path: location.catalogPath, create: false)
            try CatalogSchema.migrator.migrate(database)
            guard let meta = try VaultMeta.read(database) else {
                throw VaultError.dataError("\(location.catalogPath) has no vault identity; restore it from a backup")
            }
            return Vault(location: location, database: database, meta: meta)
        } catch let error as DatabaseError where error.isCorrupt {
            throw VaultError.dataError("\(location.catalogPath) is damaged or not a docvault catalogue")
        } catch MigrationError.newerThanSoftware(let version) {
            throw VaultError.failure("this vault uses schema version \(version); upgrade docvault to open it")
        }
    }
}
