package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// hostileNames are entry names from the adversarial runs and the rules of
// Linux, macOS and Windows. ok says whether every system can restore the
// name. The same list seeds FuzzEntryName.
var hostileNames = []struct {
	name string
	ok   bool
}{
	{"wallets/monero/main/main.keys", true},
	{"~_preferences_dump", true},
	{"notes.txt", true},
	{".hidden", true},
	{"..dots", true},
	{"a..b", true},
	{" leading space", true},
	{"Ünïcødé wallet/emoji 🍰", true},
	{"CONSOLE", true},
	{"COM10", true},
	{"notes [1] & 'x'", true},
	{strings.Repeat("s", 255), true},
	{"wallets/monero/my\\w/k", false},
	{"1:notes", false},
	{"C:/evil", false},
	{"c:evil", false},
	{"x:Zone.Identifier", false},
	{"../evil", false},
	{"a/../../evil", false},
	{"wallets/..", false},
	{"/abs/path", false},
	{"a//b", false},
	{"./a", false},
	{"a/./b", false},
	{"CON", false},
	{"con.txt", false},
	{"wallets/x/LPT1", false},
	{"nul.tar.gz", false},
	{"COM¹", false},
	{"AUX .txt", false},
	{"trailing.", false},
	{"trailing ", false},
	{"dir./file", false},
	{"a\x01b", false},
	{"a\tb", false},
	{"Icon\r", false},
	{"a\x7fb", false},
	{"nul\x00byte", false},
	{"bad\xffutf8", false},
	{"what?", false},
	{"star*", false},
	{"pipe|", false},
	{`quote"`, false},
	{"<html>", false},
	{strings.Repeat("s", 256), false},
	{strings.Repeat("d/", 520) + "f", false},
	{"", false},
}

func TestEntryNameRule(t *testing.T) {
	for _, tt := range hostileNames {
		if why := entryNameProblem(tt.name); (why == "") != tt.ok {
			t.Errorf("entryNameProblem(%q) = %q, want ok=%v", tt.name, why, tt.ok)
		}
	}
}

// TestNamesCreateVerifyRestoreAgree takes every hostile name through the
// three places that judge names. Hand-made inner archives holding the
// name must verify exactly when they restore, and only when the rule
// accepts the name. A wallet folder holding every name Linux can store
// must give a backup that verifies and restores, with the names the rule
// refuses reported as skipped (outside wallets/) or refused (inside).
func TestNamesCreateVerifyRestoreAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("verify and restore", func(t *testing.T) {
		for _, tt := range hostileNames {
			inner := innerZip(t, []zipEntry{{name: "wallets/monero/ok/ok", body: []byte("fine")}, {name: tt.name, body: []byte("body")}})
			a, err := openBytes(sealInnerFast(t, inner, 256))
			if err != nil {
				t.Fatal(err)
			}
			verr := a.verify(ctx, testKeys, RestoreOptions{})
			target := filepath.Join(t.TempDir(), "out")
			_, rerr := a.restore(ctx, testKeys, target, RestoreOptions{})
			if (verr == nil) != (rerr == nil) {
				t.Errorf("%q: Verify says %v but Restore says %v", tt.name, verr, rerr)
				continue
			}
			if (verr == nil) != tt.ok {
				t.Errorf("%q: Verify says %v, want ok=%v", tt.name, verr, tt.ok)
				continue
			}
			if !tt.ok {
				if !errors.Is(verr, ErrUnsafePath) || strings.Contains(verr.Error(), "\n") {
					t.Errorf("%q: want one line wrapping ErrUnsafePath, got %q", tt.name, verr)
				}
				assertAbsent(t, target)
				continue
			}
			got := readTree(t, target)
			if string(got[tt.name]) != "body" || string(got["wallets/monero/ok/ok"]) != "fine" || len(got) != 2 {
				t.Errorf("%q restored as %q", tt.name, got)
			}
		}
	})

	t.Run("create", func(t *testing.T) {
		dir := t.TempDir()
		var stored, skipped []string
		for _, tt := range hostileNames {
			name := "notes/" + tt.name
			if slices.ContainsFunc(strings.Split(name, "/"), func(s string) bool { return s == "" || s == "." || s == ".." }) {
				continue // a path Linux would read differently
			}
			p := filepath.Join(dir, filepath.FromSlash(name))
			if os.MkdirAll(filepath.Dir(p), 0o700) != nil || os.WriteFile(p, []byte(tt.name), 0o600) != nil {
				continue // Linux cannot hold it either
			}
			if tt.ok {
				stored = append(stored, name)
			} else {
				skipped = append(skipped, name)
			}
		}
		// Two names that are one file on macOS and Windows.
		wallettest.Write(t, dir, map[string][]byte{"Case/x": []byte("1"), "case/x": []byte("2")})
		if len(skipped) < 20 {
			t.Fatalf("only %d refused names could be created on disk", len(skipped))
		}
		src, err := Collect(ctx, dir, "")
		if err != nil {
			t.Fatal(err)
		}
		// Each report is one line of printable UTF-8: a name that is not
		// is quoted.
		for _, line := range src.Skipped {
			if !utf8.ValidString(line) || strings.ContainsFunc(line, func(r rune) bool { return r != ' ' && !unicode.IsPrint(r) }) {
				t.Errorf("skipped line %q is not one printable line", line)
			}
		}
		// A file is reported, or the folder holding it.
		for _, s := range skipped {
			if !slices.ContainsFunc(src.Skipped, func(line string) bool {
				p, _, _ := strings.Cut(strings.TrimPrefix(line, "skipped "), ": ")
				if uq, err := strconv.Unquote(p); err == nil {
					p = uq
				}
				return p == s || strings.HasPrefix(s, p+"/")
			}) {
				t.Errorf("%q neither collected nor reported as skipped", s)
			}
		}
		if !slices.ContainsFunc(src.Skipped, func(line string) bool { return strings.HasPrefix(line, "skipped case/x") }) {
			t.Errorf("case clash not reported: %q", src.Skipped)
		}
		var files []string
		for _, f := range src.Files {
			files = append(files, f.Name)
		}
		want := append(slices.Clone(stored), "Case/x")
		slices.Sort(want)
		if !slices.Equal(files, want) {
			t.Fatalf("collected %q\nwant      %q", files, want)
		}
		b, _ := makeBackup(t, dir, "", WriteOptions{salt: testSalt, keys: testKeys})
		a, err := openBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.verify(ctx, testKeys, RestoreOptions{}); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		target := filepath.Join(t.TempDir(), "out")
		if _, err := a.restore(ctx, testKeys, target, RestoreOptions{}); err != nil {
			t.Fatalf("Restore: %v", err)
		}
		if got := readTree(t, target); len(got) != len(want) {
			t.Errorf("restored %d files, want %d", len(got), len(want))
		}

		// Inside wallets/ a name that cannot be restored is an error, not
		// a wallet quietly left out.
		for _, name := range []string{"wallets/monero/a:b/a:b.keys", "wallets/monero/trail /k", "wallets/x/K", "wallets/x/k"} {
			wallettest.Write(t, dir, map[string][]byte{name: []byte("w")})
		}
		if _, err := Collect(ctx, dir, ""); !errors.Is(err, ErrUnportableName) || !strings.Contains(err.Error(), "a:b") {
			t.Errorf("Collect with an unportable wallet name: %v", err)
		}
	})
}

// FuzzEntryName checks that a name the rule accepts stays inside the
// restore folder, can be created there, and has no "." or ".." part.
func FuzzEntryName(f *testing.F) {
	for _, tt := range hostileNames {
		f.Add(tt.name)
	}
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, name string) {
		if entryNameProblem(name) != "" {
			return
		}
		rel := filepath.FromSlash(name)
		if !filepath.IsLocal(rel) || slices.Contains(strings.Split(name, "/"), "..") {
			t.Fatalf("accepted %q, which leaves the folder", name)
		}
		dir, err := os.MkdirTemp(root, "n")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatalf("accepted %q but cannot create its folder: %v", name, err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatalf("accepted %q but cannot create it: %v", name, err)
		}
		if r, err := filepath.Rel(dir, p); err != nil || !filepath.IsLocal(r) {
			t.Fatalf("accepted %q, which lands at %s", name, p)
		}
	})
}

// TestNameProblem: a backup's file name that some destination (a FAT or
// exFAT stick, Windows, Proton Drive) cannot store as it is, is refused
// with why; the app's names and ordinary ones pass.
func TestNameProblem(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, problem string // problem: a part of the answer, "" for none
	}{
		{"cake_wallet_backup_2026-12-01_080000", ""},
		{"Cake Wallet backup (1).zip", ""},
		{"résumé – copie", ""},
		{".hidden", ""},
		{"a/b", "slash"},
		{`a\b`, "backslash"},
		{"..", "not a file name"},
		{"tab\there", "control character"},
		{"new\nline", "control character"},
		{"del\x7f", "control character"},
		{"a:b", "Windows does not allow"},
		{"what?", "Windows does not allow"},
		{"<x>", "Windows does not allow"},
		{`say"`, "Windows does not allow"},
		{"pipe|", "Windows does not allow"},
		{"star*", "Windows does not allow"},
		{"dot.", "ends in a dot or space"},
		{"space ", "ends in a dot or space"},
		{"CON", "device name"},
		{"nul.txt", "device name"},
		{"com1", "device name"},
		{"LPT9.bak", "device name"},
		{"bad\xffutf8", "UTF-8"},
		{strings.Repeat("n", 256), "longer than 255 bytes"},
		{"", "empty"},
	} {
		got := NameProblem(tt.name)
		if (got == "") != (tt.problem == "") || !strings.Contains(got, tt.problem) {
			t.Errorf("NameProblem(%q) = %q, want %q", tt.name, got, tt.problem)
		}
	}
}
