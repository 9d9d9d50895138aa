import FoundationEssentials
import VaultCore

/// The demo's admin steps for keeping a vault safe: key rotation and an incremental backup.
func demoSafety(admin: Session, archivist: Session, work: String, step: (String) -> Void) throws {
    step("12. docvault key rotate  (admin: a new data-key-wrapping epoch; every data key re-wrapped, no blob touched)")
    let rotated = try KeyRotation.rotate(session: admin)
    Console.out("epoch \(rotated.epoch): \(rotated.rewrapped) data keys re-wrapped; the old epoch is erased")
    for epoch in try KeyRotation.status(session: admin).epochs {
        Console.out(
            "key status: epoch \(epoch.epoch) wraps \(epoch.documents) documents\(epoch.current ? " (current)" : "")")
    }
    let destination = work + "/backup"
    step("13. docvault backup \(destination)  (catalogue snapshot, encrypted blobs, a SHA-256 manifest)")
    let first = try Backup.run(to: destination, session: admin)
    Console.out("copied \(first.copied) blobs (\(first.copiedBytes) bytes)")
    let note = work + "/late-note.txt"
    try Data("filed after the first backup".utf8).write(to: URL(fileURLWithPath: note))
    _ = try Filing.file(FilingRequest(paths: [note], category: "OT", year: 2026), session: archivist)
    let second = try Backup.run(to: destination, session: admin)
    Console.out("again after one more filing: copied \(second.copied) new blob, kept \(second.kept)")
    let check = try Backup.verify(destination)
    Console.out(
        "docvault backup verify: \(check.problems.isEmpty ? "intact" : "DAMAGED"), \(check.files) files; "
            + "'docvault restore \(destination) --vault DIR' would rebuild the vault from it")
}
