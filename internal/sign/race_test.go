//go:build race

package sign_test

// raceSlowdown widens time bounds under the race detector.
const raceSlowdown = 10
