import FoundationEssentials
import VaultCore

let demoCommand = Command(
    name: "demo", abstract: "Walk through filing, searching and retrieving in a throwaway vault.",
    usage: "demo [--vault <dir>] [--keys <dir>]",
    discussion: """
        Creates a demo vault (default ./vault/demo, keys in ./keys/demo), files sample policies,
        claim documents and customer files, then lists, searches, shows and retrieves them,
        printing each step. Running it again replaces the previous demo vault, never a real one.
        """,
    options: vaultOptions,
    run: { arguments, _ in
        try requireNoPositionals(arguments)
        let location = VaultLocation(
            vault: arguments.value("--vault") ?? "vault/demo", keys: arguments.value("--keys") ?? "keys/demo")
        try DemoSamples.clearPreviousDemo(at: location)
        func step(_ text: String) {
            Console.out("")
            Console.out("== \(text)")
        }
        step("1. Create a vault: random master key, admin key file, one-time recovery code")
        let created = try VaultSetup.create(at: location, fonds: "J001", admin: "admin", isDemo: true)
        Console.out("vault \(location.vault), admin key file \(created.keyFilePath) (mode 0600)")
        Console.out("recovery code (a real vault prints this once): \(created.recoveryCode)")

        let vault = try Vault.open(location)
        let admin = try Session.open(
            vault: vault, userName: "admin", credential: .keyFile(location.keyFilePath(for: "admin")))
        let work =
            FileManager.default.temporaryDirectory.path + "/docvault-demo-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        step("1b. The admin adds an archivist, an approver and an auditor (docvault user add …); no content for admins")
        try UserAdministration.add(name: "wang", roles: [.archivist, .staff], credential: .keyFile, session: admin)
        try UserAdministration.add(name: "li", roles: [.auditor], credential: .keyFile, session: admin)
        try UserAdministration.add(name: "zhao", roles: [.approver], credential: .keyFile, session: admin)
        for user in try UserAdministration.list(session: admin) {
            Console.out(
                "\(Render.padded(user.name, to: 6)) \(user.roles.joined(separator: ","))")
        }
        do {
            _ = try CatalogQueries.list(DocumentFilter(), session: admin)
        } catch let error as VaultError {
            Console.out("admin tries 'docvault list': refused (exit \(error.exitCode)): \(error.message)")
        }
        let session = try Session.open(
            vault: vault, userName: "wang", credential: .keyFile(location.keyFilePath(for: "wang")))

        step("2. File sample documents (each encrypted with its own data key, catalogued with sealed fields)")
        var references: [String] = []
        for sample in DemoSamples.samples(in: work) {
            try Data(sample.content.utf8).write(to: URL(fileURLWithPath: work + "/" + sample.fileName))
            let filed = try Filing.file(sample.request, session: session)
            for document in filed {
                references.append(document.reference)
                Console.out("\(document.reference)  \(sample.fileName)")
            }
        }
        step("3. File the claim form a second time: docvault warns about the duplicate but keeps it")
        let again = DemoSamples.samples(in: work)[1].request
        for document in try Filing.file(again, session: session) {
            Console.out("\(document.reference)  same content as \(document.sameContentAs.joined(separator: ", "))")
        }
        try demoCustomerRegister(archivist: session, step: step)
        step("4. docvault list --category CL")
        printListing(try CatalogQueries.list(DocumentFilter(category: "CL"), session: session), format: .table)
        step("5. docvault search --customer '张伟'  (exact match through a keyed blind index)")
        var criteria = SearchCriteria()
        criteria.customerName = "张伟"
        printListing(try CatalogQueries.search(criteria, session: session), format: .table)
        step("6. docvault search --text 'payment voucher'  (titles decrypted in memory)")
        criteria = SearchCriteria()
        criteria.text = "payment voucher"
        printListing(try CatalogQueries.search(criteria, session: session), format: .table)
        step("7. docvault show \(references[1])")
        let details = try CatalogQueries.show(references[1], session: session)
        Console.out(
            "title \(details.title ?? ""), customer \(details.customerName ?? ""), claim \(details.claimNo ?? "")")
        Console.out("sha256 \(details.sha256)")
        step("8. Reading content needs a loan: docvault get without one is refused")
        do {
            try Retrieval.get(references[1], to: .file(work + "/early.txt", overwrite: false), session: session)
        } catch let error as VaultError {
            Console.out("wang: refused (exit \(error.exitCode)): \(error.message)")
        }
        step("8b. docvault borrow request --claim C2024-0031 --purpose …, then another person approves")
        let loan = try Borrowing.request(
            scope: .claim("C2024-0031"), purpose: "理赔复核 claim review", days: 3, session: session)
        Console.out("loan \(loan.id) requested by wang for \(loan.items.joined(separator: ", "))")
        do {
            _ = try Borrowing.approve(loan.id, days: nil, session: session)
        } catch let error as VaultError {
            Console.out("wang approves his own loan: refused (exit \(error.exitCode))")
        }
        let approver = try Session.open(
            vault: vault, userName: "zhao", credential: .keyFile(location.keyFilePath(for: "zhao")))
        let approved = try Borrowing.approve(loan.id, days: nil, session: approver)
        Console.out("zhao approves loan \(approved.id); due \(approved.dueAt ?? "-")")
        step("8c. docvault get \(references[1]) -o \(work)/out.txt  (written only after every chunk authenticates)")
        try Retrieval.get(references[1], to: .file(work + "/out.txt", overwrite: false), session: session)
        let original = try String(contentsOfFile: work + "/claim-C2024-0031.txt", encoding: .utf8)
        let restored = try String(contentsOfFile: work + "/out.txt", encoding: .utf8)
        Console.out(restored == original ? "retrieved content matches the original" : "MISMATCH")
        guard restored == original else { throw VaultError(.dataError, "demo retrieval did not match the original") }
        step("8d. docvault borrow return \(loan.id); afterwards the same get is refused again")
        let returned = try Borrowing.returnLoan(loan.id, session: session)
        Console.out("loan \(returned.id) \(returned.status) at \(returned.returnedAt ?? "-")")
        do {
            try Retrieval.get(references[1], to: .file(work + "/late.txt", overwrite: false), session: session)
        } catch let error as VaultError {
            Console.out("wang: refused (exit \(error.exitCode)): \(error.message)")
        }
        step("8e. docvault borrow list  (the register: borrower, role, date, items, purpose, due, returned, approver)")
        for entry in try BorrowingRegister.list(LoanFilter(), session: approver) {
            Console.out(
                [
                    "#\(entry.id)", entry.requester, entry.requesterRoles.joined(separator: ","), entry.requestedAt,
                    "\(entry.items.count) items", entry.purpose, "due \(entry.dueAt ?? "-")",
                    "returned \(entry.returnedAt ?? "-")", "approved by \(entry.decidedBy ?? "-")", entry.status,
                ].joined(separator: "  "))
        }
        try demoCaseFiles(archivist: session, approver: approver, work: work, step: step)
        let compliance = try demoLegalHold(
            vault: vault, location: location, admin: admin, approver: approver, reader: session,
            reference: references[1], step: step)
        try demoRetention(archivist: session, compliance: compliance, reference: references[1], step: step)
        try demoDestruction(
            archivist: session, compliance: compliance, approver: approver, step: step)
        try demoImport(archivist: session, work: work, step: step)
        step("9. What a thief with only catalog.sqlite sees")
        let catalog = try Data(contentsOf: URL(fileURLWithPath: location.catalogPath))
        let walPath = location.catalogPath + "-wal"
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: walPath))) ?? Data()
        let leaked = [Array("张伟".utf8), Array("李娜".utf8)].contains { name in
            [catalog, wal].contains { file in Array(file).firstRange(of: name) != nil }
        }
        Console.out(
            leaked ? "customer names found in the catalogue file" : "no customer name appears in the catalogue file")
        step("10. The auditor checks the log: every access above, chained with HMAC-SHA-256")
        let auditor = try Session.open(
            vault: vault, userName: "li", credential: .keyFile(location.keyFilePath(for: "li")))
        let records = try AuditQueries.log(AuditFilter(), session: auditor)
        for record in records.suffix(6) {
            Console.out("#\(record.seq) \(record.actor) \(record.action) \(record.target) \(record.outcome)")
        }
        let verification = try AuditQueries.verify(anchor: nil, session: auditor)
        Console.out(
            "docvault audit verify: \(verification.firstBroken == nil ? "intact" : "BROKEN"), \(verification.entries) entries"
        )
        try demoReports(auditor: auditor, reference: references[1], work: work, step: step)
        step("11. docvault verify --full  (the periodic inventory: every blob decrypted, its SHA-256 compared)")
        var inventory = VerificationOptions()
        inventory.full = true
        let report = try Verification.run(inventory, session: auditor)
        Console.out(
            "\(report.documents) documents, \(report.tombstones) tombstones, \(report.decrypted) decrypted, "
                + "\(report.auditEntries) audit entries: \(report.remaining.count) problems")
        try demoSafety(admin: admin, archivist: session, work: work, step: step)
        let head = try AuditQueries.head(session: auditor)
        Console.out("docvault audit head: anchor \(head.anchor.text) (publish it outside the vault)")
        Console.out("")
        Console.out(
            "Done. Try: docvault list --vault \(location.vault) --keys \(location.keys) --user wang")
    })
