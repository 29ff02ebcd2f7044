package main

import (
	"strings"

	"github.com/xrash/smetrics"
)

// didYouMean returns ` (did you mean "X"?)` naming the candidate closest
// to word, or "" when none is close: a prefix of at least two letters, or
// a few typing mistakes (Levenshtein distance at most one per three
// letters, and at most 2). Case is ignored.
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return ` (did you mean "` + s + `"?)`
	}
	return ""
}

// suggest returns the candidate closest to word, or "". smetrics is
// already in the build through urfave/cli, which uses it for the same.
func suggest(word string, candidates []string) string {
	w := strings.ToLower(word)
	if w == "" {
		return ""
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == w {
			return c
		}
		// Levenshtein distance (insertions, deletions, substitutions).
		d := smetrics.WagnerFischer(w, lc, 1, 1, 1)
		limit := min(2, max(1, len(lc)/3))
		if len(w) >= 2 && strings.HasPrefix(lc, w) {
			d = 0 // an unfinished word
		} else if d > limit {
			continue
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}
