// Package english words counts in English for the lines cakebackup
// prints: "1 file", "2 files", "1 job needs", "3 jobs need".
package english

// Plural returns the form of a word that agrees with a count of n: one
// when n is 1, many otherwise (0, 2 and more, and any negative count).
// It serves nouns ("file", "files") and verbs ("needs", "need") alike.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
