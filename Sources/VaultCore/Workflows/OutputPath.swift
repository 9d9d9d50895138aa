import FoundationEssentials

/// Where a command may write what it reads out of the vault: anywhere but inside the vault folder.
enum OutputPath {
    /// The absolute form of `path`, its folder's symbolic links resolved; refused inside the vault (64)
    /// or in a folder that does not exist (66).
    ///
    /// The folder is resolved, not the file: the file does not exist yet, and a symbolic link
    /// in the folder path must not lead plaintext into the vault. `what` names the output in the
    /// refusal ("plaintext", "the report"), `choice` what to choose instead ("an output", "a file").
    static func outsideVault(_ path: String, vaultFolder: String, what: String, choice: String) throws -> String {
        let given = URL(fileURLWithPath: path).standardizedFileURL
        let folder = FileSystem.canonical(given.deletingLastPathComponent().path)
        let absolute = folder == "/" ? "/" + given.lastPathComponent : folder + "/" + given.lastPathComponent
        let vault = FileSystem.canonical(vaultFolder)
        if absolute == vault || absolute.hasPrefix(vault + "/") || vault.hasPrefix(absolute + "/") {
            throw VaultError.usage(
                "refusing to write \(what) inside the vault folder; choose \(choice) outside \(vaultFolder)")
        }
        guard FileSystem.isDirectory(folder) else { throw VaultError.inputMissing("no such folder: \(folder)") }
        return absolute
    }
}
