package backup

import (
	"crypto/rand"
	"fmt"
	"math"
	"strings"
	"unicode"
)

// passwordAlphabet has lower-case letters and digits minus the ones people
// confuse when copying by hand: 0/o, 1/l/i. 31 symbols, 4.95 bits each.
const passwordAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// Generated passwords are passwordGroups groups of passwordGroupLen
// symbols joined by '-': 30 symbols, about 148 bits.
const (
	passwordGroups   = 6
	passwordGroupLen = 5
)

// GeneratePassword returns a random password of at least 128 bits of
// entropy, made of unambiguous characters in groups separated by '-', easy
// to copy by hand, such as "k7m2p-xq9rt-...".
func GeneratePassword() (string, error) {
	var b strings.Builder
	// Rejection sampling keeps every symbol equally likely.
	limit := byte(256 - 256%len(passwordAlphabet))
	var one [1]byte
	for g := range passwordGroups {
		if g > 0 {
			b.WriteByte('-')
		}
		for n := 0; n < passwordGroupLen; {
			if _, err := rand.Read(one[:]); err != nil {
				return "", fmt.Errorf("reading random bytes: %w", err)
			}
			if one[0] >= limit {
				continue
			}
			b.WriteByte(passwordAlphabet[int(one[0])%len(passwordAlphabet)])
			n++
		}
	}
	return b.String(), nil
}

// Thresholds for PasswordStrengthWarning, in characters and estimated
// bits. Backups meet offline guessing, so short is weak whatever its mix.
const (
	minPasswordLen       = 8
	goodPasswordLen      = 12
	weakPasswordBits     = 60
	veryWeakPasswordBits = 40
)

// PasswordNotice is what shows a generated password pw, once, where
// its owner cannot miss it: a framed notice that says to save it, how to
// type it, and that without it the backup cannot be restored.
func PasswordNotice(pw string) string {
	return fmt.Sprintf(`
==================== SAVE THIS PASSWORD ====================
Your backup is encrypted with this generated password:

    %s

Type it exactly as shown, with its dashes. Write it down or
keep it in a password manager. It is shown only now and
stored nowhere: without it the backup cannot be restored.
============================================================

`, pw)
}

// PasswordSavedNotice says where a generated password was saved (path),
// without showing it: it is printed where a log may keep it.
func PasswordSavedNotice(path string) string {
	return "The generated password is in " + path + " (readable by you only). Without it the backup cannot be restored: keep it safe, apart from the backup.\n"
}

// PasswordStrengthWarning returns "" for a password that looks strong
// enough, or else a one-line warning (sterner for shorter ones). It never
// repeats the password. The estimate is crude on purpose: under 8
// characters is dangerous and under 12 weak whatever the mix; longer ones
// are rated by length times the bits of the character classes used, with
// repeated characters counting a quarter.
func PasswordStrengthWarning(pw string) string {
	bits := passwordBits(pw)
	n := len([]rune(pw))
	switch {
	case n == 0:
		return "DANGER: the password is empty."
	case n < minPasswordLen || bits < veryWeakPasswordBits:
		return fmt.Sprintf("DANGER: this %d-character password can be guessed quickly by anyone who gets the backup file; use a generated password or at least 16 random characters.", n)
	case n < goodPasswordLen || bits < weakPasswordBits:
		return fmt.Sprintf("Warning: this %d-character password is weak against offline guessing; consider a generated password or at least 16 random characters.", n)
	}
	return ""
}

// passwordBits estimates a password's entropy in bits.
func passwordBits(pw string) float64 {
	var lower, upper, digit, other bool
	distinct := map[rune]bool{}
	for _, r := range pw {
		distinct[r] = true
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	pool := 0
	for _, c := range []struct {
		used bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 33}} {
		if c.used {
			pool += c.size
		}
	}
	if pool == 0 {
		return 0
	}
	// Repeated characters add little: count each distinct one fully and
	// the rest at a quarter.
	n := float64(len(distinct)) + float64(len([]rune(pw))-len(distinct))/4
	return n * math.Log2(float64(pool))
}
