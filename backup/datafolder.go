package backup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// walletsFolder is the folder of a wallet app's data folder that holds the
// wallets, as wallets/<type>/<name>/... (the layout Archive.Wallets reads).
const walletsFolder = "wallets"

// DataFolderError says why a folder is not a wallet app's data folder.
// When the data folder is right beside it (one level down or up), DataDir
// names it.
type DataFolderError struct {
	// Dir is the folder that was checked.
	Dir string
	// DataDir is the data folder found next to Dir, or "".
	DataDir string
}

// Error describes the problem without telling the user what to type: the
// CLI adds that.
func (e *DataFolderError) Error() string {
	if e.DataDir != "" {
		return fmt.Sprintf("%s is not the wallet app's data folder (%s is)", e.Dir, e.DataDir)
	}
	return fmt.Sprintf("%s holds no wallet files (no %s/TYPE/NAME/NAME)", e.Dir, walletsFolder)
}

// WalletsIn returns the wallets in the data folder dir as "<type>/<name>",
// named as Archive.Wallets names them in a backup: each folder
// wallets/<type>/<name> that holds its wallet file. (A folder one level
// above the data folder, holding wallets/wallets/<type>/<name>/..., thus
// holds none.)
// A dir without a wallets folder holds none; a dir that cannot be read is
// an error.
func WalletsIn(dir string) ([]string, error) {
	root := filepath.Join(dir, walletsFolder)
	if fi, err := os.Stat(root); errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.IsDir()) {
		return nil, nil
	}
	types, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", root, unwrapPathErr(err))
	}
	var out []string
	for _, t := range types {
		if !t.IsDir() {
			continue
		}
		names, err := os.ReadDir(filepath.Join(root, t.Name()))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", filepath.Join(root, t.Name()), unwrapPathErr(err))
		}
		for _, n := range names {
			if !n.IsDir() {
				continue
			}
			if holdsWalletFile(filepath.Join(root, t.Name(), n.Name()), n.Name()) {
				out = append(out, t.Name()+"/"+n.Name())
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// holdsWalletFile reports whether the wallet folder dir holds its wallet
// file: the app names it after the folder (pathForWallet in
// cw_core/lib/pathForWallet.dart: wallets/<type>/<name>/<name>), and a
// Monero wallet has <name>.keys beside it.
func holdsWalletFile(dir, name string) bool {
	for _, f := range []string{name, name + ".keys"} {
		if fi, err := os.Lstat(filepath.Join(dir, f)); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// CheckDataFolder returns nil when dir is a wallet app's data folder
// holding at least one wallet, and otherwise a *DataFolderError, naming
// the data folder when dir is its parent (a backup of the parent would
// nest the wallets one level too deep) or its wallets folder. A dir that
// cannot be read is an error of its own.
func CheckDataFolder(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("wallet folder %s: %w", dir, unwrapPathErr(err))
	}
	if !fi.IsDir() {
		return fmt.Errorf("wallet folder %s is not a folder", dir)
	}
	wallets, err := WalletsIn(dir)
	if err != nil {
		return err
	}
	if len(wallets) > 0 {
		return nil
	}
	notData := &DataFolderError{Dir: dir}
	// The parent of the data folder, such as examples for examples/wallets.
	children, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading %s: %w", dir, unwrapPathErr(err))
	}
	for _, c := range children {
		if !c.IsDir() {
			continue
		}
		child := filepath.Join(dir, c.Name())
		if w, err := WalletsIn(child); err == nil && len(w) > 0 {
			notData.DataDir = child
			return notData
		}
	}
	// The wallets folder inside the data folder.
	if clean := filepath.Clean(dir); filepath.Base(clean) == walletsFolder {
		parent := filepath.Dir(clean)
		if w, err := WalletsIn(parent); err == nil && len(w) > 0 {
			notData.DataDir = parent
		}
	}
	return notData
}
