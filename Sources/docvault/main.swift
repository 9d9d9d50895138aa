import VaultCore
print("docvault")
