package backup

import (
	"context"
	"errors"
	"strings"
	"unicode"
)

// CanonicalPassword returns a password that looks generated (see
// GeneratePassword) in the form GeneratePassword gives it, when it was
// typed differently: white space around it trimmed, upper case lowered,
// and its symbols grouped by single '-' however they were separated
// (dashes, spaces, other dashes a word processor puts in, or nothing).
// ok is false for a password that does not look generated: thirty symbols
// of the generator's alphabet.
func CanonicalPassword(pw string) (canonical string, ok bool) {
	symbols := make([]byte, 0, passwordGroups*passwordGroupLen)
	for _, r := range strings.TrimSpace(pw) {
		r = unicode.ToLower(r)
		switch {
		case unicode.IsSpace(r), unicode.Is(unicode.Pd, r):
			continue
		case r < unicode.MaxASCII && strings.ContainsRune(passwordAlphabet, r):
			symbols = append(symbols, byte(r))
		default:
			return "", false
		}
		if len(symbols) > passwordGroups*passwordGroupLen {
			return "", false
		}
	}
	if len(symbols) != passwordGroups*passwordGroupLen {
		return "", false
	}
	var b strings.Builder
	for g := range passwordGroups {
		if g > 0 {
			b.WriteByte('-')
		}
		b.Write(symbols[g*passwordGroupLen : (g+1)*passwordGroupLen])
	}
	return b.String(), true
}

// AcceptedPassword returns the password to open a with: pw itself, or,
// when pw looks like a generated password typed differently (see
// CanonicalPassword) and a refuses it, its canonical form if a accepts
// that, with canonical true. Only then does it decrypt anything twice
// (the keys it derives are kept for the operation that follows, see
// keysFor): every other case returns pw untouched and leaves errors, a
// wrong password among them, to the operation that uses it.
func (a *Archive) AcceptedPassword(ctx context.Context, pw string) (accepted string, canonical bool, err error) {
	canon, ok := CanonicalPassword(pw)
	if !ok || canon == pw {
		return pw, false, nil
	}
	if err := a.checkPassword(ctx, pw); !errors.Is(err, ErrDecrypt) {
		return pw, false, ctx.Err()
	}
	if err := a.checkPassword(ctx, canon); err != nil {
		return pw, false, ctx.Err()
	}
	return canon, true, nil
}

// checkPassword decrypts as little as opening the inner archive takes:
// ErrDecrypt means the password is wrong.
func (a *Archive) checkPassword(ctx context.Context, pw string) error {
	pr, _, _, err := a.openInner(ctx, a.keysFor(pw), false)
	if err != nil {
		return err
	}
	pr.Close()
	return nil
}
