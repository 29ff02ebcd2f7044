// Package didyoumean suggests the word meant when a mistyped one is
// given: a command, a flag, a destination kind, a shell.
//
// A candidate is close when the word begins it (two letters at least: an
// unfinished word) or is a few typing mistakes away from it (Levenshtein
// distance at most one per three letters, and at most 2). Case is
// ignored.
package didyoumean

import (
	"slices"
	"strings"

	"github.com/xrash/smetrics"
)

// Hint returns ` (did you mean "X"?)` naming the candidates closest to
// word, or "" when none is close.
func Hint(word string, candidates []string) string {
	best := Closest(word, candidates)
	if len(best) == 0 {
		return ""
	}
	return ` (did you mean "` + strings.Join(best, `" or "`) + `"?)`
}

// Closest returns the candidates closest to word (ties all, in their
// order), or none. smetrics is already in the build through urfave/cli,
// which uses it for the same.
func Closest(word string, candidates []string) []string {
	w := strings.ToLower(word)
	if w == "" {
		return nil
	}
	var best []string
	bestDist := -1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == w {
			return []string{c}
		}
		// Levenshtein distance (insertions, deletions, substitutions).
		d := smetrics.WagnerFischer(w, lc, 1, 1, 1)
		limit := min(2, max(1, len(lc)/3))
		if len(strings.TrimLeft(w, "-")) >= 1 && len(w) >= 2 && strings.HasPrefix(lc, w) {
			d = 0 // an unfinished word
		} else if d > limit {
			continue
		}
		switch {
		case bestDist < 0 || d < bestDist:
			best, bestDist = []string{c}, d
		case d == bestDist && !slices.Contains(best, c):
			best = append(best, c)
		}
	}
	return best
}
