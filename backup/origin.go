package backup

import "strings"

// KeychainDumpEntry is the inner archive's entry holding the app's
// secrets, the wallets' own passwords among them. The app seals it with a
// secret built into the app, and its import needs it: a backup without an
// app-sealed dump cannot be imported by the app.
const KeychainDumpEntry = "~_keychain_dump"

// Maker is who made a backup: the wallet app or cakebackup.
type Maker int

const (
	// MakerUnknown: nothing in the backup says (a bare v2 blob has no
	// metadata).
	MakerUnknown Maker = iota
	// MakerApp: exported by the wallet app (Cake Wallet or Monero.com).
	MakerApp
	// MakerCakebackup: packed by cakebackup from a wallet data folder.
	// The app cannot import it: it has no app-sealed keychain dump.
	MakerCakebackup
)

// String is the maker as JSON results name it: "app", "cakebackup" or
// "unknown".
func (m Maker) String() string {
	switch m {
	case MakerApp:
		return "app"
	case MakerCakebackup:
		return "cakebackup"
	}
	return "unknown"
}

// cakebackupMaker starts the version cakebackup writes into cakeVersion
// and README.txt ("cakebackup 0.1.0").
const cakebackupMaker = "cakebackup"

// Maker tells who made the backup from its metadata.json and README.txt,
// which need no password. They are claims, not proof: AppImportable, with
// the inner archive's entries, says more.
func (i Info) Maker() Maker {
	v := strings.TrimSpace(i.AppVersion)
	switch {
	case strings.HasPrefix(v, cakebackupMaker):
		return MakerCakebackup
	case v != "":
		return MakerApp
	}
	return MakerUnknown
}

// AppImportable reports whether the wallet app can import a backup whose
// inner archive holds entries: the app made it, so its keychain dump is
// sealed by the app. A backup cakebackup made never is, even when it
// carries a keychain dump copied from a data folder, because that dump
// was sealed under another backup's password.
func AppImportable(info Info, entries []Entry) bool {
	if info.Maker() == MakerCakebackup {
		return false
	}
	for _, e := range entries {
		if e.Name == KeychainDumpEntry {
			return true
		}
	}
	return false
}
