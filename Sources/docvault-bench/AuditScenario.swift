import Foundation
import VaultCore

/// `audit verify` over a large log, and one command's latency with a key file and with a password.
func benchAudit() throws {
    let entries = Int(option("--entries", default: "1000000")) ?? 1_000_000
    let runs = Int(option("--runs", default: "5")) ?? 5
    let (location, admin) = try freshVault()
    try UserAdministration.add(name: "clerk", roles: [.archivist], credential: .keyFile, session: admin)
    let password = "correct horse battery staple"
    try UserAdministration.add(
        name: "auditor", roles: [.auditor], credential: .password(SecretBytes(copying: Array(password.utf8))),
        session: admin)
    let start = DispatchTime.now()
    try BenchmarkSupport.fillAuditLog(session: admin, count: entries)
    let fill = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    print("docvault-bench audit: \(entries) entries appended in \(String(format: "%.1f", fill)) s, \(runs) runs")
    let env = ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys]
    var verify: [Double] = []
    var keyLatency: [Double] = []
    var passwordLatency: [Double] = []
    var verifyRSS = 0
    for _ in 1...runs {
        let v = measure([docvault, "audit", "verify", "--actor", "admin"], environment: env)
        let k = measure([docvault, "list", "--user", "clerk"], environment: env)
        let p = measure(
            [docvault, "user", "list", "--user", "auditor"],
            environment: env.merging(["DOCVAULT_PASSWORD": password]) { $1 })
        guard v.status == 0, k.status == 0, p.status == 0 else {
            print("failed: verify \(v.status), key-file list \(k.status), password user list \(p.status)")
            exit(1)
        }
        verify.append(v.seconds)
        keyLatency.append(k.seconds)
        passwordLatency.append(p.seconds)
        verifyRSS = max(verifyRSS, v.maxRSSKiB)
    }
    print(
        String(
            format: "median audit verify      %.2f s  (%.0f entries/s, peak %d MiB)", median(verify),
            Double(entries) / median(verify), verifyRSS / 1024))
    print(
        String(format: "median command, key file %.0f ms  (docvault list as an archivist)", median(keyLatency) * 1000))
    print(
        String(
            format: "median command, password %.0f ms  (docvault user list as an auditor; scrypt N=2^17, r=8, p=1)",
            median(passwordLatency) * 1000))
}
