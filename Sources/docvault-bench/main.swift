import VaultCore
print("bench")
