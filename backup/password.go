package backup

import "errors"

// GeneratePassword returns a random password of at least 128 bits of
// entropy, made of unambiguous characters in groups separated by '-', easy
// to copy by hand.
func GeneratePassword() (string, error) {
	return "", errors.New("backup.GeneratePassword: not implemented")
}

// PasswordStrengthWarning returns "" for a password that looks strong
// enough, or else a one-line warning (sterner for shorter ones).
func PasswordStrengthWarning(pw string) string { return "" }
