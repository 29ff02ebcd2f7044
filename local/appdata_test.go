package local

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestCakeWalletDataDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("DocumentsDir is Linux's here")
	}
	tests := []struct {
		name    string
		install string // where the app's data is, relative to HOME; "" for none
		envDir  string // $CAKE_WALLET_DIR relative to HOME; "" for unset
		want    string // relative to HOME
		wantOK  bool
	}{
		{"documents default", "Documents/cake_wallet", "", "Documents/cake_wallet", true},
		{"env wins", "elsewhere/cw", "elsewhere/cw", "elsewhere/cw", true},
		{"env set but empty folder", "Documents/cake_wallet", "empty", "empty", false},
		{"not installed", "", "", "Documents/cake_wallet", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			vars := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}
			if tt.install != "" {
				if err := os.MkdirAll(filepath.Join(home, tt.install, "wallets"), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			if tt.envDir != "" {
				vars[CakeWalletDirEnv] = filepath.Join(home, tt.envDir)
			}
			got, ok := CakeWalletDataDir(func(k string) string { return vars[k] })
			if got != filepath.Join(home, tt.want) || ok != tt.wantOK {
				t.Errorf("CakeWalletDataDir = %q, %v; want %q, %v", got, ok, filepath.Join(home, tt.want), tt.wantOK)
			}
		})
	}
	// Elsewhere the app keeps its data in a sandbox: nothing is assumed.
	if dir, ok := cakeWalletDataDir("darwin", func(string) string { return "" }); dir != "" || ok {
		t.Errorf("on macOS = %q, %v; want nothing", dir, ok)
	}
}
