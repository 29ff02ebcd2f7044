package backup

import (
	"math"
	"strings"
	"testing"
)

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 2000 {
		pw, err := GeneratePassword()
		if err != nil {
			t.Fatal(err)
		}
		if seen[pw] {
			t.Fatalf("password %q generated twice", pw)
		}
		seen[pw] = true
		groups := strings.Split(pw, "-")
		if len(groups) != passwordGroups {
			t.Fatalf("%q has %d groups", pw, len(groups))
		}
		symbols := 0
		for _, g := range groups {
			if len(g) != passwordGroupLen {
				t.Fatalf("%q has a group of %d", pw, len(g))
			}
			for _, r := range g {
				if strings.ContainsRune("0O1lIi|", r) || !strings.ContainsRune(passwordAlphabet, r) {
					t.Fatalf("%q holds %q", pw, r)
				}
				counts[r]++
				symbols++
			}
		}
		if bits := float64(symbols) * math.Log2(float64(len(passwordAlphabet))); bits < 128 {
			t.Fatalf("%q has %.1f bits", pw, bits)
		}
		if w := PasswordStrengthWarning(pw); w != "" {
			t.Fatalf("generated password %q warned: %s", pw, w)
		}
	}
	// Every symbol shows up about equally often (60000 draws, ~1935 each).
	for _, r := range passwordAlphabet {
		if counts[r] < 1500 || counts[r] > 2400 {
			t.Errorf("symbol %q drawn %d times", r, counts[r])
		}
	}
}

func TestPasswordStrengthWarning(t *testing.T) {
	tests := []struct {
		pw   string
		want string // prefix of the warning; "" for none
	}{
		{"", "DANGER"},
		{"1234", "DANGER"},
		{"letmein1", "DANGER"},
		{"Xy7$", "DANGER"},
		{"aaaaaaaaaaaaaaaaaaaa", "DANGER"},
		{"Tr0ub4dor&3", "Warning"},
		{"correct horse battery staple", ""},
		{"kP9#mQ2$vL7!xR4@", ""},
		{"ünïcødé pässwörd wïth äccents", ""},
	}
	for _, tt := range tests {
		got := PasswordStrengthWarning(tt.pw)
		if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
			t.Errorf("PasswordStrengthWarning(%q) = %q, want prefix %q", tt.pw, got, tt.want)
		}
		if tt.pw != "" && strings.Contains(got, tt.pw) {
			t.Errorf("warning repeats the password: %q", got)
		}
		if strings.Contains(got, "\n") {
			t.Errorf("warning is not one line: %q", got)
		}
	}
}

// TestPasswordNotice: the whole notice a generated password is shown in.
func TestPasswordNotice(t *testing.T) {
	want := "\n" +
		"==================== SAVE THIS PASSWORD ====================\n" +
		"Your backup is encrypted with this generated password:\n" +
		"\n" +
		"    k7m2p-xq9rt\n" +
		"\n" +
		"Type it exactly as shown, with its dashes. Write it down or\n" +
		"keep it in a password manager. It is shown only now and\n" +
		"stored nowhere: without it the backup cannot be restored.\n" +
		"============================================================\n" +
		"\n"
	if got := PasswordNotice("k7m2p-xq9rt"); got != want {
		t.Errorf("PasswordNotice =\n%q\nwant\n%q", got, want)
	}
}

// TestPasswordSavedNotice: the whole line that says where a generated
// password was saved.
func TestPasswordSavedNotice(t *testing.T) {
	want := "The generated password is in /home/ana/pw.txt (readable by you only). Without it the backup cannot be restored: keep it safe, apart from the backup.\n"
	if got := PasswordSavedNotice("/home/ana/pw.txt"); got != want {
		t.Errorf("PasswordSavedNotice =\n%q\nwant\n%q", got, want)
	}
}
