package local

import (
	"os"
	"path/filepath"
	"runtime"
)

// CakeWalletDirEnv is the variable Cake Wallet desktop itself reads for
// its data folder (setRootDirFromEnv in cw_core/lib/root_dir.dart).
const CakeWalletDirEnv = "CAKE_WALLET_DIR"

// CakeWalletDataDir returns where Cake Wallet desktop keeps its data, as
// the app finds it (getAppDir in cw_core/lib/root_dir.dart): the folder in
// $CAKE_WALLET_DIR, else on Linux "cake_wallet" in the documents folder.
// On macOS and Windows the app uses a sandbox container or the Documents
// folder itself, so there is no folder to assume. It reports false unless
// the folder holds a wallets/ folder, so nothing else is backed up by
// mistake.
func CakeWalletDataDir(getenv func(string) string) (string, bool) {
	return cakeWalletDataDir(runtime.GOOS, getenv)
}

func cakeWalletDataDir(goos string, getenv func(string) string) (string, bool) {
	dir := getenv(CakeWalletDirEnv)
	if dir == "" && goos == "linux" {
		docs, err := DocumentsDir(getenv)
		if err != nil {
			return "", false
		}
		dir = filepath.Join(docs, "cake_wallet")
	}
	if dir == "" {
		return "", false
	}
	if fi, err := os.Stat(filepath.Join(dir, "wallets")); err != nil || !fi.IsDir() {
		return dir, false
	}
	return dir, true
}
