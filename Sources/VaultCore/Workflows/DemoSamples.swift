import FoundationEssentials

/// Sample documents and the throwaway-vault rules of `docvault demo`.
public enum DemoSamples {
    /// A generated sample document and the metadata it is filed with.
    public struct Sample: Sendable {
        /// File name to write.
        public let fileName: String
        /// Its content.
        public let content: String
        /// How it is filed.
        public let request: FilingRequest
    }

    /// A few realistic documents across categories, with Chinese customer data.
    public static func samples(in folder: String) -> [Sample] {
        func request(
            _ name: String, _ category: String, _ year: Int, type: String, title: String, customer: String? = nil,
            customerID: String? = nil, policy: String? = nil, claim: String? = nil, date: String
        ) -> FilingRequest {
            var r = FilingRequest(paths: [folder + "/" + name], category: category, year: year)
            r.docType = type
            r.title = title
            r.customerName = customer
            r.customerID = customerID
            r.policyNo = policy
            r.claimNo = claim
            r.docDate = date
            return r
        }
        return [
            Sample(
                fileName: "policy-P2023-0815.txt",
                content: "Motor insurance policy P2023-0815\nPolicyholder: 张伟\nTerm: 2023-08-15 to 2024-08-14\n",
                request: request(
                    "policy-P2023-0815.txt", "UW", 2023, type: "policy", title: "机动车保险单 motor policy",
                    customer: "张伟", customerID: "110101199001011237", policy: "P2023-0815", date: "2023-08-15")),
            Sample(
                fileName: "claim-C2024-0031.txt",
                content: "Claim form C2024-0031\nLoss: rear-end collision, 2024-02-11\nAmount claimed: CNY 12,400\n",
                request: request(
                    "claim-C2024-0031.txt", "CL", 2024, type: "claim-form", title: "理赔申请书 claim form",
                    customer: "张伟", customerID: "110101199001011237", policy: "P2023-0815", claim: "C2024-0031",
                    date: "2024-02-12")),
            Sample(
                fileName: "voucher-C2024-0031.txt",
                content: "Payment voucher for claim C2024-0031: CNY 11,900 paid 2024-03-20\n",
                request: request(
                    "voucher-C2024-0031.txt", "CL", 2024, type: "payment-voucher", title: "赔款支付凭证 payment voucher",
                    customer: "张伟", policy: "P2023-0815", claim: "C2024-0031", date: "2024-03-20")),
            Sample(
                fileName: "kyc-li-na.txt",
                content: "Customer due diligence record\nName: 李娜\nID verified 2022-05-03\n",
                request: request(
                    "kyc-li-na.txt", "CU", 2022, type: "kyc", title: "客户身份识别 KYC record", customer: "李娜",
                    customerID: "310101198505052342", date: "2022-05-03")),
            Sample(
                fileName: "annual-report-2023.txt",
                content: "Annual financial report 2023 (summary)\n",
                request: request(
                    "annual-report-2023.txt", "FI", 2023, type: "annual-report", title: "2023 年度财务报告 annual report",
                    date: "2024-04-30")),
        ]
    }

    /// Prepares `location` for a fresh demo vault.
    ///
    /// An absent folder is fine; a demo vault made earlier is deleted with its demo key
    /// files; anything else (a real vault, or a folder with other files) is refused.
    public static func clearPreviousDemo(at location: VaultLocation) throws {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: location.vault) else { return }
        if fileManager.fileExists(atPath: location.catalogPath) {
            let vault = try Vault.open(location)
            guard vault.meta.isDemo else {
                throw VaultError.failure(
                    "\(location.vault) holds a real vault; the demo only replaces its own demo vault (pass --vault DIR)"
                )
            }
            for user in try UserTable.all(vault.database) {
                try? fileManager.removeItem(atPath: location.keyFilePath(for: user.name))
            }
            try fileManager.removeItem(atPath: location.vault)
            return
        }
        let contents = (try? fileManager.contentsOfDirectory(atPath: location.vault)) ?? []
        guard contents.isEmpty else {
            throw VaultError.failure(
                "\(location.vault) is not empty; the demo needs an empty folder (pass --vault DIR)")
        }
    }
}
