//go:build race

package image_test

// raceEnabled: the race detector slows the 2 GiB stream test five-fold.
const raceEnabled = true
