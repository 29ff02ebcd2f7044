//go:build !race

package sha512pair

// raceEnabled reports a -race build, whose instrumentation allocates:
// the allocation tests skip it.
const raceEnabled = false
