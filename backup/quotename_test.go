package backup_test

import (
	"testing"

	"github.com/cakebackup/cakebackup/backup"
)

// QuoteName leaves plain names alone and quotes those that would not
// show as one unambiguous line.
func TestQuoteName(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"cake_wallet_backup_2026-12-01_0930", "cake_wallet_backup_2026-12-01_0930"},
		{"renamed by hand", "renamed by hand"},
		{"wallets/monero/Ünïcode/Ünïcode.keys", "wallets/monero/Ünïcode/Ünïcode.keys"},
		{"two\nlines", `"two\nlines"`},
		{"tab\there", `"tab\there"`},
		{"bell\a", `"bell\a"`},
		{"del\x7f", `"del\x7f"`},
		{"c1\u0085next", `"c1\u0085next"`},
		{"latin1 caf\xe9", `"latin1 caf\xe9"`},
		{"evil\u202egnp.exe", `"evil\u202egnp.exe"`},
		{" leading", `" leading"`},
		{"trailing ", `"trailing "`},
		{`"quoted"`, `"\"quoted\""`},
		{"", `""`},
	} {
		if got := backup.QuoteName(tc.name); got != tc.want {
			t.Errorf("QuoteName(%q) = %s, want %s", tc.name, got, tc.want)
		}
	}
}
